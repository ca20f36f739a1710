import { webAssembly, type WasmMemory } from './host-memory.js';
import { WASM_BASE64 as ADAM_WASM } from './wasm/adam-update.wasm.js';
import { WASM_BASE64 as SUM_OF_SQUARES_WASM } from './wasm/sum-of-squares.wasm.js';
import { WASM_BASE64 as COLUMN_SUM_WASM } from './wasm/column-sum.wasm.js';

/**
 * Tessera's WebAssembly SIMD kernels (sources in `wasm/*.wat`), each
 * instantiated on the tfjs wasm backend's own memory so that it works on
 * tensors in place, by their byte offsets in the heap.
 */

/**
 * The Adam loop of `wasm/adam-update.wat`: byte offsets of g, m, v, p (in),
 * u, m′, v′ (out), the element count, then b1, 1 − b1, b2, 1 − b2, a, ε̂, d.
 */
export type SimdAdam = (
  g: number, m: number, v: number, p: number, u: number, m2: number, v2: number, n: number,
  b1: number, c1: number, b2: number, c2: number, a: number, e: number, d: number,
) => void;

/** Σ x² (float64) of `n` float32 at byte offset `x`, from `wasm/sum-of-squares.wat`. */
export type SimdSumOfSquares = (x: number, n: number) => number;

/** out[c] = Σ_r x[r, c] (float32, rows in order) of a `rows`×`cols` float32 matrix at byte offset `x`, into `out`; from `wasm/column-sum.wat`. */
export type SimdColumnSum = (x: number, out: number, rows: number, cols: number) => void;

/** Compiles a module once per process and instantiates it once per heap; undefined where wasm SIMD is missing. */
function simdExport<F>(base64: string, name: string): (memory: WasmMemory) => F | undefined {
  let compiled: object | null | undefined;
  const bound = new WeakMap<WasmMemory, F>();
  return (memory) => {
    if (compiled === undefined) {
      try {
        compiled = new (webAssembly().Module)(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
      } catch {
        compiled = null; // no WebAssembly SIMD in this runtime: callers take their JavaScript loop
      }
    }
    if (compiled === null) return undefined;
    let f = bound.get(memory);
    if (f === undefined) {
      f = new (webAssembly().Instance)(compiled, { env: { memory } }).exports[name] as F;
      bound.set(memory, f);
    }
    return f;
  };
}

/** The SIMD Adam loop bound to `memory`, or undefined (no wasm SIMD). */
export const simdAdam = simdExport<SimdAdam>(ADAM_WASM, 'adam');
/** The SIMD sum of squares bound to `memory`, or undefined (no wasm SIMD). */
export const simdSumOfSquares = simdExport<SimdSumOfSquares>(SUM_OF_SQUARES_WASM, 'sumOfSquares');
/** The SIMD column sum bound to `memory`, or undefined (no wasm SIMD). */
export const simdColumnSum = simdExport<SimdColumnSum>(COLUMN_SUM_WASM, 'columnSum');

import { webAssembly, type WasmMemory } from './host-memory.js';
import { WASM_BASE64 } from './wasm/adam-update.wasm.js';

/**
 * The SIMD Adam loop of `wasm/adam-update.wat`, bound to one wasm heap:
 * byte offsets of g, m, v, p (in), u, m′, v′ (out), the element count, then
 * b1, 1 − b1, b2, 1 − b2, a, ε̂, d (see the .wat for the formula).
 */
export type SimdAdam = (
  g: number, m: number, v: number, p: number, u: number, m2: number, v2: number, n: number,
  b1: number, c1: number, b2: number, c2: number, a: number, e: number, d: number,
) => void;

let compiled: object | null | undefined;
const bound = new WeakMap<WasmMemory, SimdAdam>();

/**
 * The SIMD Adam loop instantiated on `memory` (the tfjs wasm backend's heap), or
 * undefined when this runtime cannot compile it (no WebAssembly SIMD): callers
 * then take the JavaScript loop.
 */
export function simdAdam(memory: WasmMemory): SimdAdam | undefined {
  if (compiled === undefined) {
    try {
      compiled = new (webAssembly().Module)(Uint8Array.from(atob(WASM_BASE64), (c) => c.charCodeAt(0)));
    } catch {
      compiled = null;
    }
  }
  if (compiled === null) return undefined;
  let f = bound.get(memory);
  if (f === undefined) {
    const instance = new (webAssembly().Instance)(compiled, { env: { memory } });
    f = instance.exports['adam'] as SimdAdam;
    bound.set(memory, f);
  }
  return f;
}

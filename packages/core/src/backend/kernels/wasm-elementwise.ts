import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * Faster wasm kernels for three element-wise operations that tfjs-backend-wasm
 * 4.22 runs one scalar libm call (or one index computation) per element, and
 * that a transformer's training step hits on every layer. Each wraps the
 * backend's own kernel and delegates to it outside its fast case.
 *
 * Measured on this machine for 262,144 float32 (a [16, 64, 256] activation):
 * `Tile` of a [1,1,64,64] mask to [16,4,64,64] 50 ms → block copies;
 * `Pow(x, 3)` 24 ms → two `Multiply` (1 ms); `Tanh` 32 ms → `Sigmoid`
 * (XNNPACK) and two affine steps (about 4 ms).
 */

type Kernel = (args: { inputs: Record<string, TensorInfo>; backend: KernelBackend; attrs?: Record<string, unknown> }) => TensorInfo;

function wasmKernel(name: string): Kernel {
  const k = tf.getKernel(name, 'wasm');
  if (k === undefined) throw new Error(`tessera: the wasm backend has no ${name} kernel`);
  return k.kernelFunc as unknown as Kernel;
}

function scalar(backend: KernelBackend, value: number, temps: TensorInfo[]): TensorInfo {
  const info: TensorInfo = { dataId: backend.write(new Float32Array([value]), [], 'float32'), shape: [], dtype: 'float32' };
  temps.push(info);
  return info;
}

function release(backend: KernelBackend, temps: TensorInfo[]): void {
  for (const t of temps) backend.disposeData(t.dataId);
}

/**
 * `Tile` by block copies: axis by axis from the last, each slice already
 * tiled along later axes is copied `reps[d]` times with `TypedArray.set`.
 * Exact (a copy). Strings go to the original kernel.
 */
export function fastWasmTile(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as KernelBackend;
    const x = args.inputs['x'] as TensorInfo;
    const reps = (args.attrs?.['reps'] as number[] | undefined) ?? [];
    if (x.dtype === 'string' || reps.length !== x.shape.length) return original.kernelFunc(args);
    let cur = backend.readSync(x.dataId) as Float32Array | Int32Array | Uint8Array;
    const shape = [...x.shape];
    for (let d = shape.length - 1; d >= 0; d--) {
      const r = reps[d] as number;
      if (r === 1) continue;
      const inner = tf.util.sizeFromShape(shape.slice(d));
      const outer = tf.util.sizeFromShape(shape.slice(0, d));
      const next = new (cur.constructor as new (n: number) => typeof cur)(outer * inner * r);
      for (let o = 0; o < outer; o++) {
        const block = cur.subarray(o * inner, (o + 1) * inner);
        for (let k = 0; k < r; k++) next.set(block, (o * r + k) * inner);
      }
      cur = next;
      shape[d] = (shape[d] as number) * r;
    }
    return { dataId: backend.write(cur, shape, x.dtype), shape, dtype: x.dtype };
  };
  return { ...original, kernelFunc };
}

/**
 * `Pow(x, n)` for a scalar integer exponent n ∈ {2, 3, 4} as repeated
 * `Multiply` (SIMD) instead of one `std::pow` per element; every other case
 * (tensor or fractional exponent, int32 base) goes to the original. Results
 * differ from `pow` by at most an ulp or two (products rounded separately).
 */
export function fastWasmPow(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as KernelBackend;
    const a = args.inputs['a'] as TensorInfo;
    const b = args.inputs['b'] as TensorInfo;
    if (a.dtype !== 'float32' || tf.util.sizeFromShape(b.shape) !== 1 || b.shape.length > a.shape.length) return original.kernelFunc(args);
    const n = (backend.readSync(b.dataId) as Float32Array | Int32Array)[0];
    if (n !== 2 && n !== 3 && n !== 4) return original.kernelFunc(args);
    const mul = wasmKernel(tf.Multiply);
    const temps: TensorInfo[] = [];
    try {
      const sq = mul({ inputs: { a, b: a }, backend });
      if (n === 2) return sq;
      temps.push(sq);
      return mul({ inputs: { a: sq, b: n === 3 ? a : sq }, backend });
    } finally {
      release(backend, temps);
    }
  };
  return { ...original, kernelFunc };
}

/**
 * `Tanh(x) = 2·σ(2x) − 1` with XNNPACK's `Sigmoid`. Absolute error about
 * 1e-7 (the float32 ulp of 1), so relative error grows for |x| < 1e-3 where
 * tanh(x) ≈ x is small; within the project's 1e-5 absolute tolerance.
 */
export function fastWasmTanh(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as KernelBackend;
    const x = args.inputs['x'] as TensorInfo;
    if (x.dtype !== 'float32') return original.kernelFunc(args);
    const mul = wasmKernel(tf.Multiply);
    const temps: TensorInfo[] = [];
    try {
      const two = scalar(backend, 2, temps);
      const one = scalar(backend, 1, temps);
      const x2 = mul({ inputs: { a: x, b: two }, backend });
      temps.push(x2);
      const s = wasmKernel(tf.Sigmoid)({ inputs: { x: x2 }, backend });
      temps.push(s);
      const s2 = mul({ inputs: { a: s, b: two }, backend });
      temps.push(s2);
      return wasmKernel(tf.Sub)({ inputs: { a: s2, b: one }, backend });
    } finally {
      release(backend, temps);
    }
  };
  return { ...original, kernelFunc };
}

/**
 * `Identity` (tf.clone, and every op that returns an input unchanged) shares
 * the input's buffer with a reference count, as the cpu backend and wasm's own
 * `Reshape` do, instead of copying it: tfjs kernels never write into their
 * inputs, so a shared buffer is never observed changing.
 */
export function fastWasmIdentity(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as KernelBackend;
    const x = args.inputs['x'] as TensorInfo;
    if (x.dtype === 'string') return original.kernelFunc(args);
    backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  };
  return { ...original, kernelFunc };
}

/** The wasm kernels these replace, by kernel name. */
export const FAST_WASM_ELEMENTWISE: Record<string, (original: KernelConfig) => KernelConfig> = {
  [tf.Tile]: fastWasmTile,
  [tf.Pow]: fastWasmPow,
  [tf.Tanh]: fastWasmTanh,
  [tf.Identity]: fastWasmIdentity,
};

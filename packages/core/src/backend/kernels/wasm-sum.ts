import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { wasmHeap } from './host-memory.js';
import { simdColumnSum } from './wasm-simd.js';

/** The part of tfjs-backend-wasm's `BackendWasm` (4.x) used here. */
interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
}

/** Counters for tests and the bench: which path each call took. */
export const wasmSumStats = { columns: 0, delegated: 0 };

/**
 * `Sum` for the wasm backend that reduces leading axes without a transpose.
 *
 * tfjs-backend-wasm 4.22's `Sum` first transposes the input so that the
 * reduced axes are innermost, then sums each output sequentially. Summing
 * over the leading axes — what the gradient of every broadcast bias add does
 * (`[B·T, N]` → `[N]`) — therefore copied the whole input first: 1.2–1.4 ms
 * for a `[1024, 256]` gradient in the W2 step. This kernel treats the input
 * as an `R × C` matrix (R the product of the reduced leading axes) and adds its
 * rows in order into the output with a SIMD loop (`wasm/column-sum.wat`), in
 * float32 like tfjs' (tested: both within n·2⁻²⁴·Σ|x| of the exact sum, NaN and
 * ±Inf alike). Other axes, other dtypes, and runtimes without wasm SIMD go to
 * the original kernel.
 */
export function fastWasmSum(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs['x'] as TensorInfo;
    const rank = x.shape.length;
    const heap = x.dtype === 'float32' && rank >= 2 ? wasmHeap(args.backend as tf.KernelBackend) : undefined;
    const simd = heap && simdColumnSum(heap.memory);
    if (simd === undefined) {
      wasmSumStats.delegated++;
      return original.kernelFunc(args);
    }
    const axes = [...new Set(tf.util.parseAxisParam(args.attrs?.['axis'] as number | number[], x.shape))].sort((a, b) => a - b);
    const k = axes.length;
    // Only a proper prefix [0, 1, …, k−1] of the axes: trailing axes need no transpose in tfjs' kernel.
    if (k === 0 || k === rank || axes.some((a, i) => a !== i)) {
      wasmSumStats.delegated++;
      return original.kernelFunc(args);
    }
    const rows = tf.util.sizeFromShape(x.shape.slice(0, k));
    const cols = tf.util.sizeFromShape(x.shape.slice(k));
    if (rows * cols === 0) {
      wasmSumStats.delegated++;
      return original.kernelFunc(args);
    }
    const keepDims = Boolean(args.attrs?.['keepDims']);
    const outShape = keepDims ? x.shape.map((d, i) => (i < k ? 1 : d)) : x.shape.slice(k);
    const out = (args.backend as unknown as WasmBackendLike).makeOutput(outShape, 'float32');
    // Offsets after the allocation (it may grow the heap; the offsets stay valid).
    simd(heap!.offset(x), heap!.offset(out), rows, cols);
    wasmSumStats.columns++;
    return out;
  };
  return { ...original, kernelFunc };
}

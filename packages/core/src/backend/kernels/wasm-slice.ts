import * as tf from '@tensorflow/tfjs-core';
import type { DataId, KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

/** The parts of tfjs-backend-wasm's `BackendWasm` (4.x) used here. */
interface WasmBackendLike extends KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
  dataIdMap: { get(dataId: DataId): unknown };
}

/**
 * `Slice` for the wasm backend that copies only the slice.
 *
 * tfjs-backend-wasm 4.22's `Slice` starts with `readSync(x)`, a copy of the
 * whole input out of the heap, for every slice: taking a batch of 64 rows
 * from a [1792, 64] dataset copied all 1792 rows (0.2–0.4 ms a step in the
 * W4 benchmark). This kernel reads the input through a view of the heap and
 * copies the slice row by row (runs along the last axis) with
 * `TypedArray.set`. Exact (a copy). Strings go to the original kernel.
 */
export function fastWasmSlice(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as WasmBackendLike;
    const x = args.inputs['x'] as TensorInfo;
    if (x.dtype === 'string' || typeof backend.typedArrayFromHeap !== 'function') return original.kernelFunc(args);
    const [begin, size] = tf.slice_util.parseSliceParams(x as tf.Tensor, args.attrs?.['begin'] as number[], args.attrs?.['size'] as number[]) as [number[], number[]];
    const out = backend.makeOutput(size, x.dtype);
    const n = tf.util.sizeFromShape(size);
    if (n === 0) return out;
    // Views after the allocation (it may grow the heap, which detaches older views).
    const src = backend.typedArrayFromHeap(x);
    const dst = backend.typedArrayFromHeap(out);
    const rank = x.shape.length;
    const strides = tf.util.computeStrides(x.shape);
    if (rank === 0 || tf.slice_util.isSliceContinous(x.shape, begin, size)) {
      const start = rank === 0 ? 0 : tf.slice_util.computeFlatOffset(begin, strides);
      dst.set(src.subarray(start, start + n));
      return out;
    }
    // Runs of the last axis, visited in order with an odometer over the outer axes.
    const run = size[rank - 1]!;
    const idx = new Array<number>(rank - 1).fill(0);
    let base = begin[rank - 1]!;
    for (let k = 0; k < rank - 1; k++) base += begin[k]! * strides[k]!;
    let at = base;
    for (let o = 0; o < n; o += run) {
      if (run === 1) dst[o] = src[at]!;
      else dst.set(src.subarray(at, at + run), o);
      // Next outer index (last outer axis fastest).
      for (let k = rank - 2; k >= 0; k--) {
        idx[k]!++;
        at += strides[k]!;
        if (idx[k]! < size[k]!) break;
        at -= idx[k]! * strides[k]!;
        idx[k] = 0;
      }
    }
    return out;
  };
  return { ...original, kernelFunc };
}

/**
 * `SplitV` for the wasm backend: one {@link fastWasmSlice} per part.
 *
 * tfjs-backend-wasm 4.22's `SplitV` calls its own `Slice` once per part, each
 * copying the whole input out of the heap first: 1.7 ms to split a
 * `[16, 64, 192]` attention projection into q, k and v, against 0.4 ms for the
 * three slices here. Exact (copies). Strings go to the original kernel.
 */
export function fastWasmSplitV(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const x = args.inputs['x'] as TensorInfo;
    const slice = tf.getKernel(tf.Slice, 'wasm');
    if (x.dtype === 'string' || slice === undefined) return original.kernelFunc(args);
    const axis = tf.util.parseAxisParam(args.attrs?.['axis'] as number, x.shape)[0]!;
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, args.attrs?.['numOrSizeSplits'] as number | number[], axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    const size = x.shape.slice();
    return sizes.map((s) => {
      size[axis] = s;
      const part = slice.kernelFunc({ inputs: { x }, backend: args.backend, attrs: { begin: begin.slice(), size: size.slice() } }) as TensorInfo;
      begin[axis]! += s;
      return part;
    });
  };
  return { ...original, kernelFunc };
}

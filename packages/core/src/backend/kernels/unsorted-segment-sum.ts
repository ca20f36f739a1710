import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * `UnsortedSegmentSum` (the gradient of `gather`, so of every embedding) as
 * one scatter-add pass, for any backend.
 *
 *   out[s, …] = Σ_{i : segmentIds[i] = s} x[i, …],  s ∈ [0, numSegments)
 *
 * tfjs-backend-cpu computes it as one masked full-size multiply-and-sum per
 * segment, O(numSegments · |x|): for an embedding of a 65-character vocabulary
 * that dominated a transformer's training step (and wasm has no kernel at
 * all). This pass is O(|x|). Sums run in float64 in index order and are rounded
 * to float32 once, as tfjs-cpu's `Sum` does, so the results are identical.
 * Ids outside [0, numSegments) contribute nothing, as in tfjs.
 */
export function unsortedSegmentSumKernel(backendName: string): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend: owner, attrs }) => {
    const backend = owner as KernelBackend;
    const x = inputs['x'] as TensorInfo;
    const segmentIds = inputs['segmentIds'] as TensorInfo;
    const numSegments = Number(attrs?.['numSegments']);
    const idsRank = segmentIds.shape.length;
    const numIds = tf.util.sizeFromShape(segmentIds.shape);
    const inner = tf.util.sizeFromShape(x.shape.slice(idsRank));
    const outShape = [numSegments, ...x.shape.slice(idsRank)];
    const xv = backend.readSync(x.dataId) as Float32Array | Int32Array;
    const ids = backend.readSync(segmentIds.dataId) as Int32Array | Float32Array;
    const acc = new Float64Array(numSegments * inner);
    for (let i = 0; i < numIds; i++) {
      const s = ids[i] as number;
      if (!(s >= 0 && s < numSegments)) continue;
      const src = i * inner;
      const dst = s * inner;
      for (let j = 0; j < inner; j++) acc[dst + j] = (acc[dst + j] as number) + (xv[src + j] as number);
    }
    const dtype = x.dtype;
    const values = dtype === 'int32' ? Int32Array.from(acc) : Float32Array.from(acc);
    return { dataId: backend.write(values, outShape, dtype), shape: outShape, dtype };
  };
  return { kernelName: tf.UnsortedSegmentSum, backendName, kernelFunc };
}

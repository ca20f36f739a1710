import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * A faster `BatchMatMul` for the cpu backend, with tfjs-cpu's exact rounding.
 *
 * tfjs-backend-cpu computes each output element as an inner product over a
 * k-block of 48 (a double sum, added to the float32 output after each block),
 * walking the right operand down a column: a cache miss per multiply-add. This
 * kernel keeps the same blocks and the same sequence of double operations per
 * output element — so the results are bit-identical — but runs the k loop
 * outside the j loop (`acc[j] += a[i,k]·b[k,j]`, a Float64Array row
 * accumulator), reading the right operand along rows. A transposed right
 * operand is copied to row-major first.
 */
export function fastCpuBatchMatMul(original: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const backend = args.backend as KernelBackend & { blockSize?: number };
    const a = args.inputs['a'] as TensorInfo;
    const b = args.inputs['b'] as TensorInfo;
    const transposeA = Boolean(args.attrs?.['transposeA']);
    const transposeB = Boolean(args.attrs?.['transposeB']);
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return original.kernelFunc(args);
    const rankA = a.shape.length;
    const rankB = b.shape.length;
    const M = a.shape[transposeA ? rankA - 1 : rankA - 2] as number;
    const K = a.shape[transposeA ? rankA - 2 : rankA - 1] as number;
    const Kb = b.shape[transposeB ? rankB - 1 : rankB - 2] as number;
    const N = b.shape[transposeB ? rankB - 2 : rankB - 1] as number;
    const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
    const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
    if (K !== Kb || (batchA !== batchB && batchA !== 1 && batchB !== 1)) return original.kernelFunc(args);
    const outBatch = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
    const outShape = [...outBatch, M, N];
    const batch = Math.max(batchA, batchB);
    const av = backend.readSync(a.dataId) as Float32Array;
    let bv = backend.readSync(b.dataId) as Float32Array;
    if (transposeB) {
      // [batch, N, K] → [batch, K, N]
      const t = new Float32Array(bv.length);
      for (let p = 0; p < batchB; p++) {
        const base = p * K * N;
        for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) t[base + k * N + n] = bv[base + n * K + k] as number;
      }
      bv = t;
    }
    // a[i, k] at aBatch·p + i·aI + k·aK
    const aI = transposeA ? 1 : K;
    const aK = transposeA ? M : 1;
    const block = backend.blockSize ?? 48;
    const out = new Float32Array(batch * M * N);
    const acc = new Float64Array(block);
    for (let p = 0; p < batch; p++) {
      const aBase = (batchA === 1 ? 0 : p) * M * K;
      const bBase = (batchB === 1 ? 0 : p) * K * N;
      const oBase = p * M * N;
      for (let i0 = 0; i0 < M; i0 += block) {
        const iEnd = Math.min(i0 + block, M);
        for (let j0 = 0; j0 < N; j0 += block) {
          const jEnd = Math.min(j0 + block, N);
          const width = jEnd - j0;
          for (let k0 = 0; k0 < K; k0 += block) {
            const kEnd = Math.min(k0 + block, K);
            for (let i = i0; i < iEnd; i++) {
              acc.fill(0, 0, width);
              const aRow = aBase + i * aI;
              for (let k = k0; k < kEnd; k++) {
                const aik = av[aRow + k * aK] as number;
                const bRow = bBase + k * N + j0;
                for (let j = 0; j < width; j++) acc[j] = (acc[j] as number) + aik * (bv[bRow + j] as number);
              }
              const oRow = oBase + i * N + j0;
              for (let j = 0; j < width; j++) out[oRow + j] = (out[oRow + j] as number) + (acc[j] as number);
            }
          }
        }
      }
    }
    return { dataId: backend.write(out, outShape, 'float32'), shape: outShape, dtype: 'float32' };
  };
  return { ...original, kernelFunc };
}

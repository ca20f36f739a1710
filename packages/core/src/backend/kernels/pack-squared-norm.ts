import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { allocFloat32, float32View, fusedKernelApplies, wasmHeap } from './host-memory.js';
import { simdSumOfSquares } from './wasm-simd.js';

/** Name of the fused kernel behind {@link packSquaredNorm}, registered for `cpu` and `wasm`. */
export const PACK_SQUARED_NORM = 'TesseraPackSquaredNorm';

/**
 * Packs scalars and a squared global norm into one vector, for a single host
 * read:
 *
 *   out = [s₀, …, s_{k−1}, Σ_j Σ_i x_{j,i}²]   (length k + 1, float32)
 *
 * The trainer reads `[loss, ‖g‖²]` once per step for its NaN guard and its
 * `gradNorm` log. On `cpu` and `wasm` this is one kernel (`TesseraPackSquaredNorm`:
 * one pass over the tensors; on wasm a SIMD loop, `wasm/sum-of-squares.wat`, that
 * sums float32 squares in blocks of 1,024 and the blocks in float64; on cpu a
 * JavaScript loop in float64), where the op
 * composition costs two kernel calls per tensor plus `addN` and `stack`.
 * Elsewhere, or with `TESSERA_FUSED_KERNELS=off`, it is that composition.
 * NaN and ±Inf propagate to the sum in both.
 *
 * @param scalars tensors of one element each (any shape of size 1)
 * @param tensors float32 tensors whose squares are summed (may be empty: the sum is 0)
 */
export function packSquaredNorm(scalars: readonly tf.Tensor[], tensors: readonly tf.Tensor[]): tf.Tensor1D {
  scalars.forEach((s, i) => {
    if (s.size !== 1) throw new TypeError(`packSquaredNorm: scalars[${i}] must have one element; got shape [${s.shape}].`);
  });
  const all = [...scalars, ...tensors];
  if (fusedKernelApplies(PACK_SQUARED_NORM, packSquaredNormKernel, all)) return tf.engine().runKernel(PACK_SQUARED_NORM, all as unknown as tf.NamedTensorMap, { numScalars: scalars.length }) as tf.Tensor1D;
  return tf.tidy(() => {
    const parts = tensors.map((t) => tf.sum(tf.square(t)));
    const sq = parts.length === 0 ? tf.scalar(0) : parts.length === 1 ? parts[0]! : tf.addN(parts);
    return tf.concat([...scalars.map((s) => tf.reshape(tf.cast(s, 'float32'), [1])), tf.reshape(sq, [1])]) as tf.Tensor1D;
  });
}

function sumOfSquares(x: Float32Array): number {
  let s0 = 0;
  let s1 = 0;
  const n = x.length;
  const n2 = n - (n % 2);
  for (let i = 0; i < n2; i += 2) {
    const a = x[i]!;
    const b = x[i + 1]!;
    s0 += a * a;
    s1 += b * b;
  }
  if (n2 < n) s0 += x[n2]! * x[n2]!;
  return s0 + s1;
}

/** The `TesseraPackSquaredNorm` kernel for a host-memory backend (see {@link packSquaredNorm}). */
export function packSquaredNormKernel(backendName: string): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend: owner, attrs }) => {
    const backend = owner as KernelBackend;
    const list = Object.values(inputs) as TensorInfo[];
    const k = Number(attrs?.['numScalars'] ?? 0);
    const { infos, views } = allocFloat32(backend, [[k + 1]]);
    const out = views[0]!;
    // wasm: the SIMD loop reads the heap in place; cpu (or no wasm SIMD): the JavaScript loop.
    const heap = wasmHeap(backend);
    const simd = heap && simdSumOfSquares(heap.memory);
    let sq = 0;
    list.forEach((info, j) => {
      if (j >= k && heap && simd) sq += simd(heap.offset(info), tf.util.sizeFromShape(info.shape));
      else if (j < k) out[j] = float32View(backend, info)[0]!;
      else sq += sumOfSquares(float32View(backend, info));
    });
    out[k] = sq;
    return infos[0]!;
  };
  return { kernelName: PACK_SQUARED_NORM, backendName, kernelFunc };
}

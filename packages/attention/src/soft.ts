import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, z } from '@tessera/core';
import { allowedMask, label, matmul4, matmulT, prepareInputs, scaleParam, to4d, variant, zeroMasked, type AttentionVariant, type Prepared } from './attention-common.js';
import { isKeyMask } from './linear-sums.js';

const NAME = 'soft';
const LABEL = label(NAME);

const params = z.strictObject({
  scale: scaleParam(),
  numLandmarks: z.number().int().min(1).max(1024).default(16).describe('Number m of Nyström landmarks (segment means of the keys); m ≥ Tk uses the keys themselves.'),
  iterations: z.number().int().min(1).max(100).default(20).describe('Newton–Schulz iterations of the landmark-kernel inverse (official code: 20).'),
  regularization: z.number().min(0).max(1).default(0.01).describe('λ added to the landmark kernel diagonal before inversion (official code: 0.01).'),
});

export type SoftAttentionParams = z.output<typeof params>;

/** exp(−s/2·‖a_i − b_j‖²) for a `[B,H,Na,D]`, b `[B,H,Nb,D]` → `[B,H,Na,Nb]`. */
function gaussianKernel(a: tf.Tensor4D, b: tf.Tensor4D, s: number): tf.Tensor4D {
  const a2 = tf.sum(tf.square(a), -1, true);
  const b2 = tf.transpose(tf.sum(tf.square(b), -1, true), [0, 1, 3, 2]);
  const d2 = tf.relu(tf.sub(tf.add(a2, b2), tf.mul(matmulT(a, b), 2)));
  return tf.exp(tf.mul(d2, -s / 2)) as tf.Tensor4D;
}

/**
 * Newton–Schulz inverse of the landmark kernel, as the official SOFT code:
 * P = A + λI, V₀ = 0.9·2/(max row sum of A)²·P, V ← 2V − V P V; the
 * gradient is the analytic one of an inverse, −Vᵀ·g·Vᵀ (not backprop through
 * the iterations).
 */
function newtonInverse(A: tf.Tensor3D, iterations: number, lambda: number): tf.Tensor3D {
  const op = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [a, save] = args as [tf.Tensor3D, tf.GradSaveFunc];
    const m = a.shape[1];
    const inv = tf.tidy(() => {
      const P = tf.add(a, tf.mul(tf.eye(m), lambda)) as tf.Tensor3D;
      const alpha = tf.div(1.8, tf.square(tf.max(tf.sum(a, -1), -1)));
      let V = tf.mul(P, tf.reshape(alpha, [-1, 1, 1])) as tf.Tensor3D;
      for (let i = 0; i < iterations; i++) {
        const next = tf.sub(tf.mul(V, 2), tf.matMul(tf.matMul(V, P), V)) as tf.Tensor3D;
        V.dispose();
        V = next;
      }
      return V;
    });
    save([inv]);
    return {
      value: inv,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const vT = tf.transpose(saved[0]!, [0, 2, 1]) as tf.Tensor3D;
        return [tf.neg(tf.matMul(tf.matMul(vT, dy as tf.Tensor3D), vT))];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(A) as tf.Tensor3D;
}

/** Landmarks: means of the valid keys in m contiguous segments (key j in segment ⌊j·m/Tk⌋). */
function landmarks(x: Prepared, keyWeight: tf.Tensor4D, m: number): tf.Tensor4D {
  const seg = tf.tensor1d(Array.from({ length: x.Tk }, (_, j) => Math.floor((j * m) / x.Tk)), 'int32');
  const member = tf.reshape(tf.transpose(tf.oneHot(seg, m)), [1, 1, m, x.Tk]); // [1,1,m,Tk]
  const w = tf.mul(member, tf.reshape(keyWeight, [keyWeight.shape[0], keyWeight.shape[1], 1, x.Tk]));
  const avg = tf.div(w, tf.maximum(tf.sum(w, -1, true), 1));
  return matmul4(tf.broadcastTo(avg, [x.B, x.H, m, x.Tk]) as tf.Tensor4D, x.k);
}

/**
 * SOFT: softmax-free attention with a Gaussian kernel, in linear time through
 * a Nyström low-rank approximation.
 *
 * Notation: κ(a, b) = exp(−s/2·‖a − b‖²) with s the scale (default 1/√Dh,
 * i.e. the paper's exp(−‖q − k‖²/(2√d))), L the m landmarks, λ the
 * regularisation, A(i) the keys query i may attend to.
 *
 *   exact:   o_i = Σ_{j∈A(i)} κ(q_i, k_j) v_j                        (no normalisation)
 *   Nyström: O = κ(Q, L) · (κ(L, L) + λI)⁻¹ · κ(L, K) · V           (never [Tq, Tk])
 *
 * The inverse is the official code's Newton–Schulz iteration with its
 * analytic backward. Differences with the paper's model, where the attention
 * function cannot follow it: queries and keys are not tied (Q = K in SOFT),
 * and landmarks are parameter-free segment means of the (valid) keys instead
 * of a learned strided convolution + LayerNorm + GELU of the queries. With a
 * causal flag or a mask that varies per query, the landmark approximation
 * would let future or hidden keys in through the landmarks, so those calls
 * use the exact kernel form (quadratic). A key-padding mask removes masked
 * keys from the landmarks and from κ(L, K); a fully masked row gives 0.
 *
 * @see https://arxiv.org/abs/2110.11945
 */
export const softAttention = definePlugin({
  kind: 'attention',
  name: NAME,
  package: '@tessera/attention',
  summary: 'SOFT: softmax-free Gaussian-kernel attention, linear time by Nyström landmarks and a Newton–Schulz inverse (Lu et al., 2021).',
  paper: { title: 'SOFT: Softmax-free Transformer with Linear Complexity', arxiv: '2110.11945', year: 2021 },
  params,
  create: (p, manifest): AttentionVariant<SoftAttentionParams> =>
    variant(
      manifest,
      p,
      (inputs) => {
        const x = prepareInputs(inputs, LABEL);
        const s = p.scale ?? 1 / Math.sqrt(x.Dh);
        return tf.tidy(() => {
          if (x.causal || !isKeyMask(x)) {
            const w = zeroMasked(gaussianKernel(x.q, x.k, s), allowedMask(x));
            return matmul4(w, x.v);
          }
          const keyWeight = x.mask
            ? (tf.reshape(tf.broadcastTo(tf.cast(to4d(x.mask), 'float32'), [x.B, x.H, 1, x.Tk]), [x.B, x.H, x.Tk, 1]) as tf.Tensor4D)
            : (tf.ones([1, 1, x.Tk, 1]) as tf.Tensor4D);
          const m = Math.min(p.numLandmarks, x.Tk);
          const L = landmarks(x, keyWeight, m);
          const k1 = gaussianKernel(x.q, L, s); // [B,H,Tq,m]
          const k2 = tf.reshape(gaussianKernel(L, L, s), [x.B * x.H, m, m]) as tf.Tensor3D;
          const k3T = tf.mul(gaussianKernel(x.k, L, s), keyWeight) as tf.Tensor4D; // κ(K, L) [B,H,Tk,m], masked keys 0
          const inv = tf.reshape(newtonInverse(k2, p.iterations, p.regularization), [x.B, x.H, m, m]) as tf.Tensor4D;
          const kv = matmul4(tf.transpose(k3T, [0, 1, 3, 2]) as tf.Tensor4D, x.v); // [B,H,m,Dv]
          return matmul4(matmul4(k1, inv), kv);
        });
      },
      { formsWeights: false },
    ),
});

import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, z } from '@tessera/core';
import { allowedCount, allowedMask, chunkSizeParam, label, matmul4, matmulT, prepareInputs, scaleParam, variant, zeroMasked, type AttentionVariant } from './attention-common.js';
import { eluPlusOne, isKeyMask, linearSums } from './linear-sums.js';

const NAME = 'mala';
const LABEL = label(NAME);

const params = z.strictObject({
  scale: scaleParam(),
  epsilon: z.number().min(0).max(1).default(1e-6).describe('ε in 1/(z_i + ε) (official code: 1e-6).'),
  chunkSize: chunkSizeParam(),
});

export type MalaAttentionParams = z.output<typeof params>;

/**
 * Magnitude-aware linear attention (MALA): linear attention whose weights
 * keep the magnitude of the query, as the official code computes it.
 *
 * Notation: φ(x) = elu(x) + 1, s the scale (default 1/√Dh), A(i) the keys
 * query i may attend to, n_i = |A(i)|.
 *
 *   z_i  = s·φ(q_i)·(1/n_i)Σ_{j∈A(i)} φ(k_j)
 *   o_i  = (s/n_i)·φ(q_i)·Σ_{j∈A(i)} φ(k_j)ᵀ v_j · (1 + 1/(z_i + ε)) − z_i·(1/n_i)Σ_{j∈A(i)} v_j
 *
 * Equivalently weights α_ij = σ_ij(1 + 1/z_i) − z_i/n_i with
 * σ_ij = (s/n_i)φ(q_i)·φ(k_j): rows sum to 1, weights can be negative. The
 * linear-time form never builds `[Tq, Tk]` (non-causal) and uses chunkwise
 * prefix sums (causal, n_i = number of visible keys — the paper defines only
 * the non-causal form; this is its natural causal extension). Masks that
 * vary per query fall back to the quadratic α form. A fully masked row gives 0.
 * The official block's extras (RoPE, LePE, output gate) are not part of the
 * attention function and are left out.
 *
 * @see https://arxiv.org/abs/2507.00698
 */
export const malaAttention = definePlugin({
  kind: 'attention',
  name: NAME,
  package: '@tessera/attention',
  summary: 'Magnitude-aware linear attention (MALA): linear attention that keeps the query magnitude; O(T) memory.',
  paper: { title: 'Rectifying Magnitude Neglect in Linear Attention', arxiv: '2507.00698', year: 2025 },
  params,
  create: (p, manifest): AttentionVariant<MalaAttentionParams> =>
    variant(
      manifest,
      p,
      (inputs) => {
        const x = prepareInputs(inputs, LABEL);
        const s = p.scale ?? 1 / Math.sqrt(x.Dh);
        return tf.tidy(() => {
          const phiQ = eluPlusOne(x.q);
          const phiK = eluPlusOne(x.k);
          if (isKeyMask(x)) {
            const { qS, qz, vs, n } = linearSums(x, phiQ, phiK, p.chunkSize);
            const nSafe = tf.maximum(n, 1);
            const z = tf.div(tf.mul(qz, s), nSafe);
            const main = tf.mul(tf.div(tf.mul(qS, s), nSafe), tf.add(1, tf.div(1, tf.add(z, p.epsilon))));
            return tf.sub(main, tf.div(tf.mul(z, vs), nSafe));
          }
          const allowed = allowedMask(x);
          const nSafe = tf.maximum(allowedCount(x, allowed), 1);
          const sigma = zeroMasked(tf.div(tf.mul(matmulT(phiQ, phiK), s), nSafe) as tf.Tensor4D, allowed);
          const z = tf.sum(sigma, -1, true);
          const alpha = zeroMasked(tf.sub(tf.mul(sigma, tf.add(1, tf.div(1, tf.add(z, p.epsilon)))), tf.div(z, nSafe)) as tf.Tensor4D, allowed);
          return matmul4(alpha, x.v);
        });
      },
      { formsWeights: false },
    ),
});

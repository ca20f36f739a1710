import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, z } from '@tessera/core';
import { allowedMask, chunkSizeParam, label, matmul4, matmulT, prepareInputs, scaleParam, variant, zeroMasked, type AttentionVariant } from './attention-common.js';
import { eluPlusOne, isKeyMask, linearSums } from './linear-sums.js';

const NAME = 'linear';
const LABEL = label(NAME);

const params = z.strictObject({
  scale: scaleParam(),
  epsilon: z.number().min(0).max(1).default(1e-6).describe('ε added to the denominator φ(q_i)·Σφ(k_j) (Katharopoulos et al.: 1e-6).'),
  chunkSize: chunkSizeParam(),
});

export type LinearAttentionParams = z.output<typeof params>;

/**
 * Linear attention with the elu+1 feature map, in O(T) memory.
 *
 * Notation: φ(x) = elu(x) + 1 (elementwise, > 0), s the scale (default
 * 1/√Dh), ε the denominator guard, A(i) the keys query i may attend to.
 *
 *   o_i = s·φ(q_i)·Σ_{j∈A(i)} φ(k_j)ᵀ v_j / (s·φ(q_i)·Σ_{j∈A(i)} φ(k_j) + ε)
 *
 * Non-causal: the `[Dh, Dv]` state Σφ(k)ᵀv is formed once per head; no
 * `[Tq, Tk]` matrix is built. Causal: chunkwise prefix sums (see
 * `linear-sums.ts`). A key-padding mask zeroes φ(k_j) and v_j before the
 * sums; a mask that varies per query falls back to the quadratic form (same
 * result, O(T²) memory). A fully masked row gives 0 (numerator 0, denominator ε).
 *
 * The paper has no scale: s cancels between numerator and denominator except
 * against ε, so the default 1/√Dh (the package-wide convention) changes the
 * result only at the ε level.
 *
 * @see https://arxiv.org/abs/2006.16236
 */
export const linearAttention = definePlugin({
  kind: 'attention',
  name: NAME,
  package: '@tessera/attention',
  summary: 'Linear attention with the elu+1 feature map; O(T) memory, causal by chunkwise prefix sums (Katharopoulos et al., 2020).',
  paper: { title: 'Transformers are RNNs: Fast Autoregressive Transformers with Linear Attention', arxiv: '2006.16236', year: 2020 },
  params,
  create: (p, manifest): AttentionVariant<LinearAttentionParams> =>
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
            const { qS, qz } = linearSums(x, phiQ, phiK, p.chunkSize);
            return tf.div(tf.mul(qS, s), tf.add(tf.mul(qz, s), p.epsilon));
          }
          const w = zeroMasked(tf.mul(matmulT(phiQ, phiK), s) as tf.Tensor4D, allowedMask(x));
          return tf.div(matmul4(w, x.v), tf.add(tf.sum(w, -1, true), p.epsilon));
        });
      },
      { formsWeights: false },
    ),
});

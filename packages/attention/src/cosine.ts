import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, z } from '@tessera/core';
import { label, MASKED_LOGIT, matmulT, prepareInputs, quadraticAttention, softCap, softCapParam, variant, type AttentionVariant } from './attention-common.js';

const NAME = 'cosine';
const LABEL = label(NAME);

const params = z.strictObject({
  scale: z.number().positive().max(1e4).default(10).describe('Initial temperature τ multiplying the cosine similarity (x-transformers qk_norm_scale: 10); learnable per head inside MultiHeadAttention.'),
  softCap: softCapParam(),
  epsilon: z.number().positive().max(1).default(1e-12).describe('ε of the l2 normalisation q / max(‖q‖, ε) (F.normalize).'),
});

export type CosineAttentionParams = z.output<typeof params>;

const l2normalize = (x: tf.Tensor4D, eps: number) => tf.div(x, tf.maximum(tf.sqrt(tf.sum(tf.square(x), -1, true)), eps)) as tf.Tensor4D;

/**
 * Cosine-similarity attention: queries and keys are l2-normalised, and the
 * cosine is multiplied by a per-head temperature τ (learnable) before the
 * softmax.
 *
 * Notation: q̂ = q / max(‖q‖, ε), k̂ likewise, τ_h the temperature of head h.
 *
 *   a_ij = softmax_{j ∈ A(i)}(τ_h · q̂_i·k̂_j),   o_i = Σ_j a_ij v_j
 *
 * τ is the weight `scale` of shape [H] (initial value the `scale`
 * hyperparameter, 10 as x-transformers' `qk_norm_scale`); a
 * `MultiHeadAttention` owns it as a trainable weight, a bare call uses the
 * initial value. Logits are bounded by τ, so no soft-cap is needed (it is
 * available anyway).
 *
 * @see https://arxiv.org/abs/2010.04245 (Query-Key Normalization for Transformers)
 */
export const cosineAttention = definePlugin({
  kind: 'attention',
  name: NAME,
  package: '@tessera/attention',
  summary: 'Cosine-similarity attention: softmax(τ·q̂·k̂) with l2-normalised q, k and a learnable per-head temperature τ.',
  paper: { title: 'Query-Key Normalization for Transformers', arxiv: '2010.04245', year: 2020 },
  params,
  create: (p, manifest): AttentionVariant<CosineAttentionParams> =>
    variant(
      manifest,
      p,
      (inputs) => {
        const x = prepareInputs(inputs, LABEL);
        return tf.tidy(() => {
          const tau = inputs.weights?.scale ? tf.reshape(inputs.weights.scale, [1, x.H, 1, 1]) : tf.scalar(p.scale);
          const s = softCap(tf.mul(matmulT(l2normalize(x.q, p.epsilon), l2normalize(x.k, p.epsilon)), tau) as tf.Tensor4D, p.softCap);
          return quadraticAttention(x, inputs, s, (sc, allowed) =>
            allowed ? (tf.softmax(tf.where(tf.broadcastTo(allowed, sc.shape), sc, tf.fill(sc.shape, MASKED_LOGIT))) as tf.Tensor4D) : (tf.softmax(sc) as tf.Tensor4D),
          );
        });
      },
      { formsWeights: true, weightSpecs: [{ name: 'scale', shape: (h) => [h], init: p.scale }] },
    ),
});

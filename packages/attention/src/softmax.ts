import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, z } from '@tessera/core';
import { allowedMask, causalBias, label, MASKED_LOGIT, matmul4, prepareInputs, scaledScores, scaleParam, softCapParam, variant, type AttentionVariant } from './attention-common.js';

const NAME = 'softmax';
const LABEL = label(NAME);

const params = z.strictObject({
  scale: scaleParam(),
  softCap: softCapParam(),
});

export type SoftmaxAttentionParams = z.output<typeof params>;

/**
 * Scaled dot-product attention with softmax weights.
 *
 * Notation: q_i, k_j ∈ ℝ^Dh rows of query and key, v_j ∈ ℝ^Dv, s the scale
 * (default 1/√Dh), c the soft-cap, A(i) the keys query i may attend to
 * (boolean mask ∧ causal band j ≤ i + Tk − Tq).
 *
 *   s_ij = c·tanh(s·q_i·k_j / c)   (plain s·q_i·k_j when c = 0)
 *   a_ij = exp(s_ij) / Σ_{j'∈A(i)} exp(s_ij')  for j ∈ A(i), else 0
 *   o_i  = Σ_j a_ij v_j
 *
 * Masking is `where`-based: masked logits are replaced by a finite −1e30
 * before the softmax and the weights are zeroed after it, so a fully masked
 * row yields o_i = 0 and finite gradients (PyTorch's `-inf` masking gives
 * NaN there). A causal band alone with Tq ≤ Tk (no row fully masked) adds
 * a finite bias of 0 / −1e30 instead: the same weights for finite logits,
 * with one broadcast `Add` and no `Select` forward or backward (a non-finite
 * logit at a masked position then propagates, as with PyTorch's float masks). Matmuls are written with explicit transposes (fast on wasm).
 *
 * Soft-capping follows Gemma 2 (`c·tanh(s/c)` on the scaled logits); PyTorch
 * has no such option.
 *
 * @see https://arxiv.org/abs/1706.03762
 * @see https://arxiv.org/abs/2408.00118 (logit soft-capping, Gemma 2)
 */
export const softmaxAttention = definePlugin({
  kind: 'attention',
  name: NAME,
  package: '@tessera/attention',
  summary: 'Scaled dot-product softmax attention with boolean masks, causal band and optional logit soft-cap.',
  paper: { title: 'Attention Is All You Need', arxiv: '1706.03762', year: 2017 },
  params,
  create: (p, manifest): AttentionVariant<SoftmaxAttentionParams> =>
    variant(
      manifest,
      p,
      (inputs) => {
        const x = prepareInputs(inputs, LABEL);
        return tf.tidy(() => {
          const s = scaledScores(x, p.scale, p.softCap);
          let w: tf.Tensor4D;
          const causalOnly = !x.mask && x.causal && x.Tq <= x.Tk;
          const allowed = causalOnly ? undefined : allowedMask(x);
          if (causalOnly) {
            // Causal only, Tq ≤ Tk: every row keeps at least one key, so no row needs zeroing and an
            // additive finite bias gives the where-based weights with one Add and no Select (fast on wasm).
            w = tf.softmax(tf.add(s, causalBias(x.Tq, x.Tk))) as tf.Tensor4D;
          } else if (allowed) {
            const all = tf.broadcastTo(allowed, s.shape);
            const filled = tf.where(all, s, tf.fill(s.shape, MASKED_LOGIT));
            w = tf.where(all, tf.softmax(filled), tf.zerosLike(s)) as tf.Tensor4D;
          } else {
            w = tf.softmax(s) as tf.Tensor4D;
          }
          inputs.onWeights?.(w);
          return matmul4(w, x.v);
        });
      },
      { formsWeights: true },
    ),
});

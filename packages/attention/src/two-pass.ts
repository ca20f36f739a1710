import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, z } from '@tessera/core';
import { label, prepareInputs, quadraticAttention, scaledScores, scaleParam, softCapParam, variant, type AttentionVariant } from './attention-common.js';

const NAME = 'two-pass';
const LABEL = label(NAME);

const params = z.strictObject({
  scale: scaleParam(),
  softCap: softCapParam(),
});

export type TwoPassAttentionParams = z.output<typeof params>;

/**
 * Softmax attention whose softmax is computed with the two-pass algorithm:
 * every exponential is split into a mantissa and a power of two, so no max
 * pass is needed and nothing overflows.
 *
 * Notation: x_ij the scaled (and soft-capped) logits of allowed keys.
 *
 *   n_ij = round(x_ij·log₂e),  m_ij = exp(x_ij − n_ij·ln 2) ∈ [2^−½, 2^½]
 *   N_i  = max_j n_ij,         a_ij = m_ij·2^(n_ij − N_i) / Σ_j m_ij·2^(n_ij − N_i)
 *
 * Mathematically equal to `softmax` (same oracle); the integer exponents
 * carry no gradient, so the derivative is the softmax's. In tensor form the
 * two accumulations are two reductions; the value of the variant is its
 * overflow-free arithmetic: logits beyond 88 (where exp overflows in float32)
 * need no max pass (the reduced argument x − n·ln 2 loses float32 precision
 * only for logits of order 10⁶ and more).
 *
 * @see https://arxiv.org/abs/2001.04438
 */
export const twoPassAttention = definePlugin({
  kind: 'attention',
  name: NAME,
  package: '@tessera/attention',
  summary: 'Softmax attention computed with the overflow-free two-pass softmax (mantissa × 2^exponent accumulation).',
  paper: { title: 'The Two-Pass Softmax Algorithm', arxiv: '2001.04438', year: 2020 },
  params,
  create: (p, manifest): AttentionVariant<TwoPassAttentionParams> =>
    variant(
      manifest,
      p,
      (inputs) => {
        const x = prepareInputs(inputs, LABEL);
        return tf.tidy(() =>
          quadraticAttention(x, inputs, scaledScores(x, p.scale, p.softCap), (s, allowed) => {
            const all = allowed ? tf.broadcastTo(allowed, s.shape) : undefined;
            const xs = all ? tf.where(all, s, tf.zerosLike(s)) : s;
            const n = tf.round(tf.mul(xs, Math.LOG2E));
            const m = tf.exp(tf.sub(xs, tf.mul(n, Math.LN2)));
            const nMax = tf.max(all ? tf.where(all, n, tf.fill(n.shape, -1e9)) : n, -1, true);
            // 2^(n − N) ≤ 1 on allowed entries; the clamp keeps masked ones finite (no Inf for where's gradient)
            let w = tf.mul(m, tf.exp(tf.mul(tf.minimum(tf.sub(n, nMax), 0), Math.LN2)));
            if (all) w = tf.where(all, w, tf.zerosLike(w));
            // a row with an allowed key sums to ≥ 2^−½; the floor only keeps a fully masked row at 0/0.5 = 0
            return tf.div(w, tf.maximum(tf.sum(w, -1, true), 0.5)) as tf.Tensor4D;
          }),
        );
      },
      { formsWeights: true },
    ),
});

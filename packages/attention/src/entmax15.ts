import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, z } from '@tessera/core';
import { allowedMask, label, prepareInputs, quadraticAttention, scaledScores, scaleParam, softCapParam, variant, type AttentionVariant } from './attention-common.js';

const NAME = 'entmax15';
const LABEL = label(NAME);

const params = z.strictObject({
  scale: scaleParam(),
  softCap: softCapParam(),
});

export type Entmax15AttentionParams = z.output<typeof params>;

/** Entries this far below the row maximum (in x/2 units) are outside any 1.5-entmax support (τ ≥ max/2 − 1). */
const OUTSIDE = -1e4;

/**
 * 1.5-entmax over the last axis of `x` (already shifted so that the row max
 * of the allowed entries is 0), exact by sorting, with the closed-form
 * gradient J = diag(g) − g gᵀ/Σg, g = √y (Peters et al. 2019).
 */
const entmax15Op = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  const d = x.shape[x.rank - 1]!;
  const y = tf.tidy(() => {
    const half = tf.div(x, 2);
    const sorted = tf.topk(half, d, true).values;
    const rho = tf.range(1, d + 1, 1, 'float32');
    const mean = tf.div(tf.cumsum(sorted, x.rank - 1), rho);
    const meanSq = tf.div(tf.cumsum(tf.square(sorted), x.rank - 1), rho);
    const ss = tf.mul(rho, tf.sub(meanSq, tf.square(mean)));
    const delta = tf.div(tf.sub(1, ss), rho);
    const tau = tf.sub(mean, tf.sqrt(tf.relu(delta)));
    const support = tf.sum(tf.cast(tf.lessEqual(tau, sorted), 'int32'), -1); // ≥ 1
    const pick = tf.oneHot(tf.sub(support, tf.scalar(1, 'int32')) as tf.Tensor, d);
    const tauStar = tf.sum(tf.mul(tau, pick), -1, true);
    return tf.square(tf.relu(tf.sub(half, tauStar)));
  });
  save([y]);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const g = tf.sqrt(saved[0]!);
      const gdy = tf.mul(g, dy);
      const q = tf.div(tf.sum(gdy, -1, true), tf.sum(g, -1, true));
      return [tf.sub(gdy, tf.mul(q, g))];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]);

/**
 * 1.5-entmax attention: a sparse alternative to softmax whose weights are
 * exactly zero below a row threshold τ.
 *
 * Notation: s_ij the scaled (and soft-capped) logits, A(i) the allowed keys.
 *
 *   a_ij = [s_ij/2 − τ_i]₊²   with τ_i such that Σ_{j∈A(i)} a_ij = 1
 *   o_i  = Σ_j a_ij v_j
 *
 * τ is found exactly by sorting (the `entmax` package's `entmax15`); the
 * gradient is its closed form, J = diag(√a) − √a √aᵀ / Σ√a. Masked logits are
 * set 10⁴ below the row maximum (always outside the support) and their
 * weights zeroed; a fully masked row gives 0. ARM-Net uses α-entmax in
 * its attention; α = 1.5 is the variant with an exact sort-based solution.
 *
 * @see https://arxiv.org/abs/1905.05702
 */
export const entmax15Attention = definePlugin({
  kind: 'attention',
  name: NAME,
  package: '@tessera/attention',
  summary: 'Sparse 1.5-entmax attention: a = [s/2 − τ]₊², exact by sorting, closed-form gradient (Peters et al., 2019).',
  paper: { title: 'Sparse Sequence-to-Sequence Models', arxiv: '1905.05702', year: 2019 },
  params,
  create: (p, manifest): AttentionVariant<Entmax15AttentionParams> =>
    variant(
      manifest,
      p,
      (inputs) => {
        const x = prepareInputs(inputs, LABEL);
        return tf.tidy(() => {
          const s = scaledScores(x, p.scale, p.softCap);
          const allowed = allowedMask(x);
          return quadraticAttention(x, inputs, s, () => {
            if (!allowed) return entmax15Op(tf.sub(s, tf.max(s, -1, true))) as tf.Tensor4D;
            const all = tf.broadcastTo(allowed, s.shape);
            const m = tf.max(tf.where(all, s, tf.fill(s.shape, -1e30)), -1, true);
            const shifted = tf.where(all, tf.sub(s, m), tf.fill(s.shape, OUTSIDE));
            return entmax15Op(shifted) as tf.Tensor4D;
          });
        });
      },
      { formsWeights: true },
    ),
});

import * as tf from '@tensorflow/tfjs-core';
import { requireInput, z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { reduceLoss } from './reduce.js';

/**
 * Attention-entropy regularizer, two modes.
 *
 * Notation: attention probabilities `A [B, H, T, S]` (rows sum to 1),
 * row entropy `H_{bhi} = −Σ_j a_ij log(a_ij + 1e-9)` (as the reference code), context `S`.
 * - `max` (AEM, Zhang et al. 2024): `ℓ_b = −mean_{h,i} H_{bhi}` (maximises attention entropy).
 * - `band` (Entropy-Guided Attention, Jha & Reagen 2025): target `θ = targetRatio·log S`,
 *   tolerance `γ·log S`; `ℓ_b = mean_{h,i} pen`, `pen = (H − θ)²` where `|H − θ| > γ log S`, else 0.
 *   The reference learns one `targetRatio` per head and sums over rows; here it is a fixed
 *   hyperparameter and rows are averaged (the scale no longer grows with T), per batch element.
 * Causal rows have maximal entropy `log(i+1)`, not `log S` (as in the reference).
 *
 * @see https://arxiv.org/abs/2501.03489 (Entropy-Guided Attention for Private LLMs)
 * @see https://arxiv.org/abs/2406.15303 (AEM)
 */
export const attentionEntropy = defineLoss({
  kind: 'regularizer',
  name: 'attention-entropy',
  summary: 'Attention-entropy regularizer: maximise row entropy (AEM) or keep it in a band around a target (entropy-guided).',
  paper: { title: 'Entropy-Guided Attention for Private LLMs', arxiv: '2501.03489', year: 2025 },
  io: { required: ['attention'], optional: [], output: 'attention' },
  params: z.strictObject({
    mode: z.enum(['max', 'band']).default('max').describe('"max": −mean entropy (AEM); "band": squared deviation outside a tolerance band around the target.'),
    targetRatio: z.number().min(0).max(1).default(0.5).describe('Band mode: target entropy as a fraction of log S.'),
    tolerance: z.number().min(0).max(1).default(0.2).describe('Band mode: half-width γ of the band, as a fraction of log S (reference 0.2).'),
  }),
  compute(p, inputs, reduction, label) {
    const a = requireInput(inputs, 'attention', label, { rank: [3, 4], dtype: 'float32', describe: '[B, H, T, S] (or [B, T, S]) float32 probabilities' });
    const b = a.shape[0]!;
    const s = a.shape[a.rank - 1]!;
    const h = tf.neg(tf.sum(tf.mul(a, tf.log(tf.add(a, 1e-9))), -1));
    const flat = tf.reshape(h, [b, b > 0 ? h.size / b : 0]);
    let per: tf.Tensor;
    if (p.mode === 'max') per = tf.neg(tf.mean(flat, 1));
    else {
      const logS = Math.log(Math.max(s, 1));
      const dev = tf.sub(flat, p.targetRatio * logS);
      const excess = tf.relu(tf.sub(tf.abs(dev), p.tolerance * logS));
      // (H − θ)² outside the band, 0 inside (sign(excess) is the indicator, with zero gradient)
      const outside = tf.sign(excess);
      per = tf.mean(tf.mul(tf.square(dev), outside), 1);
    }
    return reduceLoss(per, reduction);
  },
});

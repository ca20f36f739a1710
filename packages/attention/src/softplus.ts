import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, z } from '@tessera/core';
import { allowedCount, allowedMask, label, matmul4, matmulT, prepareInputs, variant, zeroMasked, type AttentionVariant } from './attention-common.js';

const NAME = 'softplus';
const LABEL = label(NAME);

const params = z.strictObject({
  scale: z
    .number()
    .positive()
    .max(1e4)
    .nullable()
    .default(null)
    .describe('Constant c of the length scale λ_i = c·log N_i that multiplies the cosine q̂·k̂; null = log Dh (the paper\'s log d · log N, natural logs).'),
  reweight: z
    .boolean()
    .default(false)
    .describe('LSSAR: add the sharpening stage a ← ReLU(a·N − O)^p, l1-normalised again; false = LSSA (the normalisation stage only).'),
  power: z
    .number()
    .int()
    .min(1)
    .max(64)
    .default(15)
    .describe('Re-weighting power p of LSSAR (the paper reports p = 15 best beyond the training length, p = 3 at it); used only with reweight.'),
  unshiftedRows: z
    .number()
    .int()
    .min(0)
    .max(1e6)
    .default(3)
    .describe('Rows whose number of attendable keys N_i is at most this get offset O_i = 0 instead of 1 (the paper zeroes the first 3 rows of O); used only with reweight.'),
  epsilon: z.number().positive().max(1).default(1e-12).describe('ε of the l2 normalisation q / max(‖q‖, ε) (F.normalize).'),
});

export type SoftplusAttentionParams = z.output<typeof params>;

const l2normalize = (x: tf.Tensor4D, eps: number) => tf.div(x, tf.maximum(tf.sqrt(tf.sum(tf.square(x), -1, true)), eps)) as tf.Tensor4D;

/**
 * Floor of the row maximum in the sharpening stage: rows whose largest ReLU(a·N − O) is below it (a
 * uniform row up to float32 rounding, or an empty one) give (next to) zeros. Its square stays a normal
 * float32, so the gradient of the division never meets 0/0.
 */
const MIN_ROW_MAX = 1e-12;

/**
 * Length-scaled Softplus attention (LSSA) and its re-weighted form (LSSAR):
 * the softmax split into a positive map and an l1 normalisation, with the
 * exponential replaced by Softplus and a per-row length scale from entropy
 * invariance; LSSAR adds a sharpening stage (a shifted ReLU to the power p,
 * normalised again).
 *
 * Notation: q̂ = q / max(‖q‖, ε), k̂ likewise; A(i) the keys query i may attend
 * to (mask ∧ causal) and N_i = |A(i)| (the paper's N, "each element in row i
 * equal to i" for causal self-attention); c = `scale` (default log Dh);
 * p = `power`; O_i = 0 when N_i ≤ `unshiftedRows` (3), else 1.
 *
 *   LSSA    λ_i  = c · log N_i
 *           e_ij = Softplus(λ_i · q̂_i·k̂_j)  for j ∈ A(i), else 0
 *           a_ij = e_ij / Σ_j e_ij
 *   LSSAR   r_ij = ReLU(a_ij · N_i − O_i)^p
 *           a_ij ← r_ij / Σ_j r_ij
 *           o_i  = Σ_j a_ij v_j
 *
 * Source and version: arXiv 2501.13428, latest version v5 (30 Jan 2026, the
 * ICML 2026 paper). §3 of the paper itself could not be read here (the stored
 * copies of v2, v4 and v5 and of the PMLR PDF return only their first page);
 * the formulas above are as stated by a detailed summary of the ICML 2026
 * version (PaperNotes) — L2-normalised Q and K, A = Softplus((log d · log N) ⊙
 * QKᵀ) ⊙ M′ with N_i = i, row l1 normalisation; A ← ReLU^p(A ⊙ N − O), O all
 * ones with the first 3 rows 0, l1 normalisation; p ∈ {3, 15} — and agree with
 * the public OpenReview reviews of v4 (there: Eq. 4 the length-scaled Softplus
 * with log N, Eq. 5 the shifted ReLU^p re-weighting with N and O) and with an
 * independent PyTorch re-implementation (natural logs, p = 15). Equation numbers
 * of v5 are therefore not cited. The official code (iminfine/freeatten) was
 * not available.
 *
 * Decisions where the sources are silent: N_i counts the keys the row may attend
 * to under the boolean mask and the causal band (it equals the paper's i for
 * causal self-attention without padding, and Tk for unmasked non-causal rows),
 * so padding does not change the scale of the visible keys; the O offset is
 * keyed on N_i ≤ 3 rather than on the row index (the same rows in the causal
 * self-attention case). Logs are natural (as in the re-implementation; the
 * summary writes "log"). No 1/√Dh factor (q̂·k̂ ∈ [−1, 1]). Defaults: LSSA
 * (`reweight: false`); with `reweight: true`, p = 15. Masking multiplies
 * by 0 through `tf.where` (the paper's M′); a fully masked row (N_i = 0) and a
 * row left empty by the ReLU (every allowed weight 1/N_i, up to a largest
 * a·N − O below 1e-12) give zeros.
 * The sharpening divides each row by its maximum before the power (the ratio
 * is unchanged) so r^p cannot overflow float32 at long lengths.
 *
 * @see https://arxiv.org/abs/2501.13428
 */
export const softplusAttention = definePlugin({
  kind: 'attention',
  name: NAME,
  package: '@tessera/attention',
  summary: 'Length-scaled Softplus attention (LSSA): l1-normalised Softplus(log d·log N·cos(q, k)); reweight: true adds the ReLU^p sharpening (LSSAR).',
  paper: { title: 'Softplus Attention with Re-weighting Boosts Length Extrapolation in Large Language Models', arxiv: '2501.13428', year: 2025 },
  params,
  create: (p, manifest): AttentionVariant<SoftplusAttentionParams> =>
    variant(
      manifest,
      p,
      (inputs) => {
        const x = prepareInputs(inputs, LABEL);
        return tf.tidy(() => {
          const allowed = allowedMask(x);
          const n = allowedCount(x, allowed); // [B|1, H|1, Tq|1, 1]
          const c = p.scale ?? Math.log(x.Dh);
          const lambda = tf.mul(tf.log(tf.maximum(n, 1)), c);
          // λ_i multiplies q̂_i (the smaller operand) before q̂·k̂ᵀ
          const s = matmulT(tf.mul(l2normalize(x.q, p.epsilon), lambda) as tf.Tensor4D, l2normalize(x.k, p.epsilon));
          // Softplus > 0, so a row sums to 0 only when it has no attendable key (N_i = 0): divide by 1 there.
          // (Conditions are taken on N, which does not depend on q, k: tfjs has no gradient for `greater`.)
          const e = zeroMasked(tf.softplus(s) as tf.Tensor4D, allowed);
          const den = tf.sum(e, -1, true);
          let w = tf.div(e, tf.where(tf.broadcastTo(tf.greater(n, 0), den.shape), den, tf.onesLike(den))) as tf.Tensor4D;
          if (p.reweight) {
            const offset = tf.cast(tf.greater(n, p.unshiftedRows), 'float32');
            const r = zeroMasked(tf.relu(tf.sub(tf.mul(w, n), offset)) as tf.Tensor4D, allowed);
            // (r / max_j r)^p / Σ_j (r / max_j r)^p = r^p / Σ_j r^p; the row maximum becomes exactly 1, so
            // the sum is ≥ 1 for any row with a positive entry, and max(sum, 1) only acts on an empty row (→ 0).
            const t = tf.pow(tf.div(r, tf.maximum(tf.max(r, -1, true), MIN_ROW_MAX)), p.power);
            w = tf.div(t, tf.maximum(tf.sum(t, -1, true), 1)) as tf.Tensor4D;
          }
          inputs.onWeights?.(w);
          return matmul4(w, x.v);
        });
      },
      { formsWeights: true },
    ),
});

import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { checkRange, histogramParams, scalarTargets } from './hl-gauss.js';
import { logitsInput, sampleWeights } from './inputs.js';
import { reduceLoss } from './reduce.js';

/**
 * Two-hot: regression as classification with the target's mass split
 * linearly between its two nearest support points (MuZero, DreamerV3; a
 * baseline of "Stop Regressing").
 *
 * Notation: logits `z [N, M]` over support points `s_m = linspace(v_min, v_max, M)`,
 * spacing `Δ`, targets `y` clipped to `[v_min, v_max]`,
 * `q_m = max(0, 1 − |y − s_m|/Δ)` (the two neighbours get `(s_{k+1}−y)/Δ` and `(y−s_k)/Δ`).
 * `ℓ_i = −Σ_m q_m log softmax(z_i)_m`; the prediction is `Σ_m softmax(z)_m s_m`.
 *
 * @see https://arxiv.org/abs/2403.03950
 */
export const twoHot = defineLoss({
  name: 'two-hot',
  summary: 'Two-hot: cross-entropy against the target split linearly between its two nearest support points.',
  paper: { title: 'Stop Regressing: Training Value Functions via Classification for Scalable Deep RL', arxiv: '2403.03950', year: 2024 },
  io: { required: ['logits', 'targets'], optional: ['weights'], output: 'logits', target: 'targets' },
  params: z.strictObject({ ...histogramParams }),
  compute(p, inputs, reduction, label) {
    checkRange(p.minValue, p.maxValue, label);
    const logits = logitsInput(inputs, label);
    const [n, m] = logits.shape;
    const y = tf.clipByValue(scalarTargets(inputs, label, n), p.minValue, p.maxValue);
    const weights = sampleWeights(inputs, label, n);
    const delta = m > 1 ? (p.maxValue - p.minValue) / (m - 1) : 1;
    const support = m > 1 ? tf.linspace(p.minValue, p.maxValue, m) : tf.tensor1d([p.minValue]);
    const q = tf.relu(tf.sub(1, tf.div(tf.abs(tf.sub(tf.expandDims(y, 1), tf.expandDims(support, 0))), delta)));
    const per = tf.neg(tf.sum(tf.mul(q, tf.logSoftmax(logits)), 1));
    return reduceLoss(per, reduction, weights ? { weights } : {});
  },
});

import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { classIdInputs, zIgnoreIndex } from './inputs.js';
import { reduceLoss } from './reduce.js';

/**
 * Spherical Z-loss (de Brébisson & Vincent 2016) — not PaLM's `z-loss` regularizer.
 *
 * Notation: outputs `o [N, C]`, `μ = mean_c o_c`, `σ = sqrt(mean_c o_c² − μ² + ε)`,
 * `z_c = (o_c − μ)/σ` (shift- and scale-invariant), class ids `y`, steepness `a`, offset `b`.
 * `ℓ_i = (1/a)·softplus(a·(b − z_y))`. Depends on the outputs only through
 * `Σo`, `Σo²` and `o_y` (the spherical family). The paper tunes `a` and `b`
 * per task (no universal default); `ε` keeps σ > 0 for equal outputs.
 *
 * @see https://arxiv.org/abs/1604.08859
 */
export const sphericalZLoss = defineLoss({
  name: 'spherical-z-loss',
  summary: 'Spherical Z-loss (1/a)·softplus(a·(b − z_y)) on standardised outputs (de Brébisson & Vincent).',
  paper: { title: 'The Z-loss: a shift and scale invariant classification loss belonging to the Spherical Family', arxiv: '1604.08859', year: 2016 },
  io: { required: ['logits', 'labels'], optional: ['weights'], output: 'logits', target: 'labels' },
  params: z.strictObject({
    a: z.number().positive().max(1e3).default(1).describe('Steepness a of the softplus (tuned per task in the paper).'),
    b: z.number().min(-1e3).max(1e3).default(1).describe('Offset b: the standardised target score the loss pushes beyond (tuned per task).'),
    epsilon: z.number().positive().max(1).default(1e-8).describe('Added to the variance before the square root.'),
    ignoreIndex: zIgnoreIndex(),
  }),
  compute(p, inputs, reduction, label) {
    const { logits, onehot, valid, weights } = classIdInputs(inputs, label, p.ignoreIndex);
    const mu = tf.mean(logits, 1, true);
    const sigma = tf.sqrt(tf.add(tf.relu(tf.sub(tf.mean(tf.square(logits), 1, true), tf.square(mu))), p.epsilon));
    const zy = tf.sum(tf.mul(onehot, tf.div(tf.sub(logits, mu), sigma)), 1);
    const per = tf.mul(tf.div(tf.softplus(tf.mul(tf.sub(p.b, zy), p.a)), p.a), valid);
    return reduceLoss(per, reduction, { counts: valid, ...(weights ? { weights } : {}) });
  },
});

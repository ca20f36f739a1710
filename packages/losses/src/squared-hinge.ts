import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { classIdInputs, zIgnoreIndex } from './inputs.js';
import { reduceLoss } from './reduce.js';

/**
 * One-vs-rest squared hinge (L2-SVM output layer; Tang 2013, CNN-SVM).
 *
 * Notation: logits `z [N, C]`, class ids `y`, targets `t_c = +1` for `c = y`
 * else `−1`, margin `m`. `ℓ_i = (1/C)·Σ_c max(0, m − t_c z_c)²` — the mean
 * over classes, as Keras `squared_hinge`. The `½‖W‖²` term of the L2-SVM is
 * weight decay on the last layer (an optimizer setting). Differs from
 * `multi-margin` with p = 2, which is pairwise (Weston–Watkins).
 *
 * @see https://arxiv.org/abs/1306.0239 (Deep Learning using Linear Support Vector Machines)
 */
export const squaredHinge = defineLoss({
  name: 'squared-hinge',
  aliases: ['l2-svm'],
  summary: 'One-vs-rest squared hinge (L2-SVM) over ±1 class targets, mean over classes (Keras squared_hinge).',
  paper: { title: 'Deep Learning using Linear Support Vector Machines', arxiv: '1306.0239', year: 2013 },
  io: { required: ['logits', 'labels'], optional: ['weights'], output: 'logits', target: 'labels' },
  params: z.strictObject({
    margin: z.number().min(0).max(1e4).default(1).describe('Margin m (1 in the L2-SVM).'),
    ignoreIndex: zIgnoreIndex(),
  }),
  compute(p, inputs, reduction, label) {
    const { logits, onehot, valid, weights } = classIdInputs(inputs, label, p.ignoreIndex);
    const t = tf.sub(tf.mul(onehot, 2), 1);
    const per = tf.mul(tf.mean(tf.square(tf.relu(tf.sub(p.margin, tf.mul(t, logits)))), 1), valid);
    return reduceLoss(per, reduction, { counts: valid, ...(weights ? { weights } : {}) });
  },
});

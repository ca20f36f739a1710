import * as tf from '@tensorflow/tfjs-core';
import { checkSameShape, requireInput, z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { reduceLoss } from './reduce.js';

/**
 * AnyLoss (Han et al. 2024): a confusion-matrix metric turned into a loss
 * through an amplified sigmoid.
 *
 * Notation: logits `z [N]`, binary labels `y ∈ {0, 1}`, `A = σ(L·(σ(z) − ½))`
 * (amplification, L = 73), soft confusion matrix `TP = Σ yA`, `FN = Σy − TP`,
 * `FP = ΣA − TP`, `TN = N − Σy − ΣA + TP`, `n₁ = Σy`, `n₀ = N − n₁`, `s = 1e-5`.
 * Loss `1 − M` with `M` = F_β `(1+β²)TP/(β²n₁ + ΣA + s)`, accuracy `(TP+TN)/N`,
 * balanced accuracy `(n₀TP + n₁TN)/(2n₁n₀ + s)` or G-mean surrogate `TP·TN/(n₁n₀ + s)`.
 * Batch-level (non-decomposable): `none` repeats the batch value; a batch without positives is kept finite by `s`.
 *
 * @see https://arxiv.org/abs/2405.14745
 */
export const anyloss = defineLoss({
  name: 'anyloss',
  summary: 'AnyLoss: 1 − a confusion-matrix metric (F-beta, accuracy, balanced accuracy, G-mean) via amplified sigmoids.',
  paper: { title: 'AnyLoss: Transforming Classification Metrics into Loss Functions', arxiv: '2405.14745', year: 2024 },
  io: { required: ['logits', 'labels'], optional: [], output: 'logits', target: 'labels' },
  params: z.strictObject({
    metric: z.enum(['f-beta', 'accuracy', 'balanced-accuracy', 'g-mean']).default('f-beta').describe('The metric M of the loss 1 − M.'),
    beta: z.number().positive().max(100).default(1).describe('β of F-beta (1 gives F1).'),
    amplifier: z.number().positive().max(1e3).default(73).describe('Amplification L of σ(L(p − ½)) (73 in the paper).'),
  }),
  compute(p, inputs, reduction, label) {
    const zRaw = requireInput(inputs, 'logits', label, { rank: [1, 2], dtype: 'float32', describe: '[N] (or [N, 1]) float32 binary logits' });
    const z_ = tf.reshape(zRaw, [-1]);
    const yRaw = requireInput(inputs, 'labels', label, { rank: [1, 2], dtype: ['float32', 'int32'], describe: '[N] binary labels (0/1)' });
    checkSameShape(yRaw, zRaw, 'labels', 'logits', label);
    const n = z_.shape[0]!;
    if (n === 0) return reduceLoss(tf.zeros([0]), reduction);
    const y = tf.cast(tf.reshape(yRaw, [-1]), 'float32');
    const s = 1e-5;
    const a = tf.sigmoid(tf.mul(tf.sub(tf.sigmoid(z_), 0.5), p.amplifier));
    const tp = tf.sum(tf.mul(y, a));
    const n1 = tf.sum(y);
    const n0 = tf.sub(n, n1);
    const sa = tf.sum(a);
    const tn = tf.add(tf.sub(tf.sub(n, n1), sa), tp);
    let m: tf.Tensor;
    if (p.metric === 'f-beta') m = tf.div(tf.mul(tp, 1 + p.beta ** 2), tf.add(tf.add(tf.mul(n1, p.beta ** 2), sa), s));
    else if (p.metric === 'accuracy') m = tf.div(tf.add(tp, tn), n);
    else if (p.metric === 'balanced-accuracy') m = tf.div(tf.add(tf.mul(n0, tp), tf.mul(n1, tn)), tf.add(tf.mul(tf.mul(n1, n0), 2), s));
    else m = tf.div(tf.mul(tp, tn), tf.add(tf.mul(n1, n0), s));
    return reduceLoss(tf.mul(tf.ones([n]), tf.sub(1, m)), reduction);
  },
});

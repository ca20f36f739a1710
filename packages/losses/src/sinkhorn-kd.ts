import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss, zTemperature } from './define-loss.js';
import { logitsInput, teacherLogitsInput } from './inputs.js';
import { reduceLoss } from './reduce.js';

/**
 * Sinkhorn distillation (SinKD, Cui et al. 2024), batch-wise as in the official code.
 *
 * Notation: `P_s = softmax(z/T)`, `P_t = softmax(zₜ/T)` `[N, C]`, cost
 * `W_ij = ‖P_s,i − P_t,j‖₁` `[N, N]`, `K = exp(−W/ε)`; `nIter` rounds of row
 * then column normalisation of K give the plan Π.
 * Batch value `L = scale·Σ_ij Π_ij W_ij`; the gradient flows through Π and W.
 * Batch-level: `none` gives `N·scale·Σ_j Π_ij W_ij` per row (mean = L, sum = N·L).
 * W ∈ [0, 2] so `exp(−W/ε)` does not underflow for ε ≥ 0.01.
 *
 * @see https://arxiv.org/abs/2402.17110
 */
export const sinkhornKd = defineLoss({
  name: 'sinkhorn-kd',
  aliases: ['sinkd'],
  summary: 'Sinkhorn KD: entropic optimal-transport cost between student and teacher batch distributions (SinKD).',
  paper: { title: 'Sinkhorn Distance Minimization for Knowledge Distillation', arxiv: '2402.17110', year: 2024 },
  io: { required: ['logits', 'teacherLogits'], optional: [], output: 'logits', target: 'teacherLogits' },
  params: z.strictObject({
    temperature: zTemperature(2, 'Softmax temperature T (official code 2).'),
    epsilon: z.number().positive().max(100).default(0.1).describe('Entropic regularisation ε of the Sinkhorn kernel exp(−W/ε).'),
    nIter: z.number().int().min(1).max(1000).default(20).describe('Sinkhorn iterations (row then column normalisation).'),
    scale: z.number().positive().max(1e4).default(0.002).describe('Scale of the transport cost (official 0.0008·20/8 = 0.002).'),
  }),
  compute(p, inputs, reduction, label) {
    const zs = logitsInput(inputs, label);
    const zt = teacherLogitsInput(inputs, label, zs);
    const n = zs.shape[0];
    if (n === 0) return reduceLoss(tf.zeros([0]), reduction);
    const ps = tf.softmax(tf.div(zs, p.temperature));
    const pt = tf.softmax(tf.div(zt, p.temperature));
    const w = tf.sum(tf.abs(tf.sub(tf.expandDims(ps, 1), tf.expandDims(pt, 0))), 2);
    let k = tf.exp(tf.div(tf.neg(w), p.epsilon));
    for (let i = 0; i < p.nIter; i++) {
      k = tf.div(k, tf.sum(k, 1, true));
      k = tf.div(k, tf.sum(k, 0, true));
    }
    const rows = tf.mul(tf.sum(tf.mul(k, w), 1), p.scale * n);
    return reduceLoss(rows, reduction);
  },
});

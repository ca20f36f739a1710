import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, requireInput, z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { batchInput, sameShapeInput, sampleWeights } from './inputs.js';
import { reduceElementwise } from './reduce.js';
import { stopGradient } from './stop-gradient.js';

/**
 * Gaussian negative log-likelihood, `torch.nn.functional.gaussian_nll_loss`.
 *
 * Notation: mean predictions `μ = predictions`, targets `t`, variances `σ²`
 * (`variance`, alias `var`; same shape, or the same shape without the last axis, or with
 * last axis 1 — PyTorch's broadcasting), `ε`.
 * `ℓ = ½(log max(σ², ε) + (μ − t)²/max(σ², ε))` (+ `½ log 2π` if `full`).
 * As in PyTorch the clamp does not block the gradient (it is computed at the
 * clamped value and passed to σ²). PyTorch raises on negative variances; that
 * needs a device read, so here they are clamped to ε like small ones.
 * Reductions as for the elementwise losses.
 *
 * @see https://pytorch.org/docs/1.13/generated/torch.nn.functional.gaussian_nll_loss.html
 */
export const gaussianNll = defineLoss({
  name: 'gaussian-nll',
  summary: 'Heteroscedastic Gaussian NLL ½(log σ² + (μ − t)²/σ²) (torch F.gaussian_nll_loss).',
  paper: { title: 'Estimating the mean and variance of the target probability distribution', year: 1994, url: 'https://doi.org/10.1109/ICNN.1994.374138' },
  io: { required: ['predictions', 'targets', 'variance'], optional: ['weights'], output: 'predictions', target: 'targets' },
  params: z.strictObject({
    full: z.boolean().default(false).describe('Add the constant ½ log 2π.'),
    eps: z.number().positive().max(1).default(1e-6).describe('Lower clamp of the variance (PyTorch `eps`).'),
  }),
  compute(p, inputs, reduction, label) {
    const mu = batchInput(inputs, 'predictions', label);
    const t = sameShapeInput(inputs, 'targets', label, mu, 'predictions');
    // `var` (PyTorch's argument name) is accepted as an alias of `variance`
    const vInputs = inputs.variance === undefined && inputs.var !== undefined ? { ...inputs, variance: inputs.var } : inputs;
    let v = requireInput(vInputs, 'variance', label, { dtype: 'float32', describe: 'float32, shape of predictions (or without / with size-1 last axis)' });
    const same = v.rank === mu.rank && v.shape.every((s, i) => s === mu.shape[i]);
    const lastOne = v.rank === mu.rank && v.shape[v.rank - 1] === 1 && v.shape.slice(0, -1).every((s, i) => s === mu.shape[i]);
    const dropped = v.rank === mu.rank - 1 && v.shape.every((s, i) => s === mu.shape[i]);
    if (!same && !lastOne && !dropped) {
      throw new ShapeError(`${label}: variance [${v.shape.join(', ')}] must have the shape of predictions [${mu.shape.join(', ')}], or it without / with size 1 on the last axis.`);
    }
    if (dropped) v = tf.expandDims(v, -1);
    const weights = sampleWeights(inputs, label, mu.shape[0]!);
    const clamped = tf.add(v, stopGradient(tf.sub(tf.maximum(v, p.eps), v)));
    let l = tf.mul(tf.add(tf.log(clamped), tf.div(tf.squaredDifference(mu, t), clamped)), 0.5);
    if (p.full) l = tf.add(l, 0.5 * Math.log(2 * Math.PI));
    return reduceElementwise(l, reduction, weights);
  },
});

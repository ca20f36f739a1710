import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { batchInput, sameShapeInput, sampleWeights } from './inputs.js';
import { reduceElementwise } from './reduce.js';

/**
 * Mean squared error, `torch.nn.functional.mse_loss`.
 *
 * Notation: predictions `x`, targets `y` (same shape `[N, ...]`).
 * `ℓ = (x − y)²` elementwise; `mean` and `sum` run over every element as in
 * PyTorch; `none` gives the per-sample mean over the non-batch axes, `[N]`
 * (PyTorch gives the elementwise tensor), so `mean(none) = mean`.
 * Optional `weights [N]` give a weighted mean `Σ w_i m_i / Σ w_i` of the per-sample means `m_i`.
 *
 * Empty batch: 0 for `mean` and `sum`, `[0]` for `none`.
 *
 * @see https://pytorch.org/docs/1.13/generated/torch.nn.functional.mse_loss.html
 */
export const mse = defineLoss({
  name: 'mse',
  aliases: ['mean-squared-error', 'l2'],
  summary: 'Mean squared error (torch F.mse_loss).',
  io: { required: ['predictions', 'targets'], optional: ['weights'], output: 'predictions', target: 'targets' },
  params: z.strictObject({}),
  compute(_p, inputs, reduction, label) {
    const x = batchInput(inputs, 'predictions', label);
    const y = sameShapeInput(inputs, 'targets', label, x, 'predictions');
    const weights = sampleWeights(inputs, label, x.shape[0]!);
    return reduceElementwise(tf.squaredDifference(x, y), reduction, weights);
  },
});

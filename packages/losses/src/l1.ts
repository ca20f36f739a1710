import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineElementwise } from './define-loss.js';

/**
 * Mean absolute error, `torch.nn.functional.l1_loss`.
 *
 * Notation: predictions `x`, targets `t`, `d = x − t`. `ℓ = |d|` elementwise;
 * reductions as for {@link mse} (`none` = per-sample mean, `[N]`). The
 * gradient at `d = 0` is 0 (PyTorch: `sign(0) = 0`, the same).
 *
 * @see https://pytorch.org/docs/1.13/generated/torch.nn.functional.l1_loss.html
 */
export const l1 = defineElementwise({
  name: 'l1',
  aliases: ['mae', 'mean-absolute-error'],
  summary: 'Mean absolute error (torch F.l1_loss).',
  params: z.strictObject({}),
  elementwise: (_p, x, t) => tf.abs(tf.sub(x, t)),
});

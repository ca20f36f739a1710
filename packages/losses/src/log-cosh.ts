import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineElementwise } from './define-loss.js';

/**
 * Log-cosh loss, Keras `log_cosh`.
 *
 * Notation: `d = x − t`. `ℓ = log cosh d`, computed as `d + softplus(−2d) − log 2`
 * (finite for any `d`; `log(cosh(d))` overflows for `|d| > 89` in float32).
 * ≈ `d²/2` for small `d`, ≈ `|d| − log 2` for large `|d|`.
 * Keras averages over the last axis; here `mean`/`sum` run over every element
 * and `none` gives per-sample means.
 *
 * @see https://keras.io/api/losses/regression_losses/#logcosh-function
 */
export const logCosh = defineElementwise({
  name: 'log-cosh',
  summary: 'Log-cosh regression loss, quadratic near 0 and linear far away (Keras log_cosh).',
  params: z.strictObject({}),
  elementwise: (_p, x, t) => {
    const d = tf.sub(x, t);
    return tf.sub(tf.add(d, tf.softplus(tf.mul(d, -2))), Math.log(2));
  },
});

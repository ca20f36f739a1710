import * as tf from '@tensorflow/tfjs-core';
import { needParams, paramOf, type GradientTransformation, type TensorRecord } from '../transform.js';

/**
 * Layer-wise trust ratio (LARS/LAMB; optax `scale_by_trust_ratio`).
 *
 * Notation: u update, θ parameter of the same variable, c trustCoefficient.
 *
 *   r = c·‖θ‖ / (‖u‖ + ε), or 1 when ‖θ‖ = 0 or ‖u‖ = 0;   u ← r·u
 *
 * `mask` (e.g. `(name, p) => p.rank > 1`) limits it to some variables. Norms stay on the device.
 *
 * @see https://arxiv.org/abs/1904.00962
 */
export function scaleByTrustRatio(opts: { trustCoefficient?: number; epsilon?: number; mask?: (name: string, p: tf.Tensor) => boolean } = {}): GradientTransformation {
  const { trustCoefficient = 1, epsilon = 0, mask } = opts;
  return {
    init: () => ({}),
    update(updates, state, params) {
      const ps = needParams(params, 'scaleByTrustRatio');
      const out: TensorRecord = {};
      for (const [n, u] of Object.entries(updates)) {
        const p = paramOf(ps, n, 'scaleByTrustRatio');
        if (mask && !mask(n, p)) {
          out[n] = u;
          continue;
        }
        const pn = tf.norm(p);
        const un = tf.norm(u);
        const ratio = tf.div(tf.mul(pn, trustCoefficient), tf.add(un, epsilon));
        const zero = tf.logicalOr(tf.equal(pn, 0), tf.equal(un, 0));
        out[n] = tf.mul(u, tf.where(zero, tf.onesLike(ratio), ratio));
      }
      return [out, state];
    },
  };
}

import * as tf from '@tensorflow/tfjs-core';
import { type GradientTransformation, type ScalarOrSchedule, type TensorRecord, valueAt } from '../transform.js';

/**
 * Multiplies updates by −lr (optax `scale_by_learning_rate`); the only
 * transformation that flips the sign, turning a descent direction into the
 * quantity added to the parameters.
 *
 * Notation: u update, η learning rate at step k (a number, a schedule's
 * `valueAt(k)`, or a function of k).
 *
 *   u ← −η_k·u        (u ← η_k·u with `flipSign: false`)
 *
 * The step k is this transformation's own host counter (0 at the first update).
 */
export function scaleByLearningRate(learningRate: ScalarOrSchedule, opts: { flipSign?: boolean } = {}): GradientTransformation {
  const sign = opts.flipSign === false ? 1 : -1;
  return {
    init: () => ({ count: 0 }),
    update(updates, state) {
      const count = (state.count as number | undefined) ?? 0;
      const lr = sign * valueAt(learningRate, count);
      const out: TensorRecord = {};
      for (const [name, u] of Object.entries(updates)) out[name] = tf.mul(u, lr);
      return [out, { count: count + 1 }];
    },
  };
}

/** Multiplies updates by a constant or scheduled factor, without flipping the sign (optax `scale` / `scale_by_schedule`). */
export function scale(factor: ScalarOrSchedule): GradientTransformation {
  return scaleByLearningRate(factor, { flipSign: false });
}

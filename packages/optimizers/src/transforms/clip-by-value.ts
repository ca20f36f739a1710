import * as tf from '@tensorflow/tfjs-core';
import type { GradientTransformation, TensorRecord } from '../transform.js';

/**
 * Clips every update element to [−maxDelta, maxDelta] (optax `clip_by_value`, PyTorch `clip_grad_value_`).
 */
export function clipByValue(maxDelta: number): GradientTransformation {
  if (!(maxDelta > 0)) throw new RangeError(`clipByValue: maxDelta must be > 0; got ${maxDelta}.`);
  return {
    init: () => ({}),
    update(updates, state) {
      const out: TensorRecord = {};
      for (const [name, u] of Object.entries(updates)) out[name] = tf.clipByValue(u, -maxDelta, maxDelta);
      return [out, state];
    },
  };
}

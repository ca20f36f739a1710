import * as tf from '@tensorflow/tfjs-core';
import { globalNorm, type GradientTransformation, type TensorRecord } from '../transform.js';

/**
 * Rescales all updates together so that their global L2 norm is at most
 * `maxNorm` (optax `clip_by_global_norm`). The norm stays on the device.
 *
 * Notation: u updates, ‖u‖ global L2 norm over every variable.
 *
 *   u ← u · c / max(‖u‖, c)
 *
 * PyTorch's `clip_grad_norm_` uses c / (‖u‖ + 1e-6) clamped at 1, which
 * differs by ~1e-6 relative when clipping.
 *
 * @see https://arxiv.org/abs/1211.5063
 */
export function clipByGlobalNorm(maxNorm: number): GradientTransformation {
  if (!(maxNorm > 0)) throw new RangeError(`clipByGlobalNorm: maxNorm must be > 0; got ${maxNorm}.`);
  return {
    init: () => ({}),
    update(updates, state) {
      const norm = globalNorm(updates);
      const factor = tf.div(maxNorm, tf.maximum(norm, maxNorm));
      const out: TensorRecord = {};
      for (const [name, u] of Object.entries(updates)) out[name] = tf.mul(u, factor);
      return [out, state];
    },
  };
}

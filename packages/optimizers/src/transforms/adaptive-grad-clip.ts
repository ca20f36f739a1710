import * as tf from '@tensorflow/tfjs-core';
import { needParams, paramOf, type GradientTransformation, type TensorRecord } from '../transform.js';

/**
 * Unit-wise L2 norm with tfjs/flax layouts (output units on the last axis):
 * rank ≤ 1 → whole tensor; rank 2–3 → over axis 0; rank 4 → over axes 0–2;
 * higher ranks → over every axis but the last. Keeps dims for broadcasting.
 */
export function unitwiseNorm(x: tf.Tensor): tf.Tensor {
  const squeezedRank = x.shape.filter((d) => d !== 1).length;
  let axes: number[];
  if (squeezedRank <= 1) axes = x.shape.map((_, i) => i);
  else if (x.rank === 2 || x.rank === 3) axes = [0];
  else if (x.rank === 4) axes = [0, 1, 2];
  else axes = x.shape.slice(0, -1).map((_, i) => i);
  return tf.sqrt(tf.sum(tf.square(x), axes, true));
}

/**
 * Adaptive gradient clipping (NFNets; optax `adaptive_grad_clip`): clips each
 * unit's gradient to a fraction of that unit's parameter norm.
 *
 * Notation: g gradient, θ parameter, ‖·‖ᵤ unit-wise norm, λ clipping, ε floor.
 *
 *   m = λ·max(‖θ‖ᵤ, ε);  u = g if ‖g‖ᵤ < m else g·m / max(‖g‖ᵤ, 1e-6)
 *
 * @see https://arxiv.org/abs/2102.06171
 */
export function adaptiveGradClip(clipping = 0.01, epsilon = 1e-3): GradientTransformation {
  return {
    init: () => ({}),
    update(updates, state, params) {
      const ps = needParams(params, 'adaptiveGradClip');
      const out: TensorRecord = {};
      for (const [name, g] of Object.entries(updates)) {
        const p = paramOf(ps, name, 'adaptiveGradClip');
        const maxNorm = tf.mul(tf.maximum(unitwiseNorm(p), epsilon), clipping);
        const gNorm = unitwiseNorm(g);
        const clipped = tf.mul(g, tf.div(maxNorm, tf.maximum(gNorm, 1e-6)));
        out[name] = tf.where(tf.broadcastTo(tf.less(gNorm, maxNorm), g.shape), g, clipped);
      }
      return [out, state];
    },
  };
}

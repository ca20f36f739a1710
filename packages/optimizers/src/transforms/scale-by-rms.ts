import * as tf from '@tensorflow/tfjs-core';
import { perVariable, type GradientTransformation, type StateTree } from '../transform.js';

export interface ScaleByRmsOptions {
  /** Decay of the squared-gradient average (default 0.9, optax's; PyTorch RMSprop's `alpha` is 0.99). */
  decay?: number;
  /** Numerical stabiliser (default 1e-8). */
  epsilon?: number;
  /** Initial value of the average (default 0; TF1 RMSProp used 1). */
  initialScale?: number;
  /** ε inside the root (optax default) or added to the root (PyTorch). */
  epsInSqrt?: boolean;
  /** Subtract the squared mean of the gradient (centered RMSprop). */
  centered?: boolean;
}

/**
 * Divides updates by the root of a running average of squared gradients (RMSprop).
 *
 * Notation: g gradient, ν average of g², μ average of g (centered), ρ decay.
 *
 *   ν ← ρ·ν + (1−ρ)·g²;  μ ← ρ·μ + (1−ρ)·g
 *   u = g / √(ν − μ² + ε)   (epsInSqrt)   or   g / (√(ν − μ²) + ε)   (PyTorch)
 *
 * @see https://www.cs.toronto.edu/~tijmen/csc321/slides/lecture_slides_lec6.pdf
 */
export function scaleByRms(opts: ScaleByRmsOptions = {}): GradientTransformation {
  const { decay = 0.9, epsilon = 1e-8, initialScale = 0, epsInSqrt = true, centered = false } = opts;
  const fresh = (g: tf.Tensor): StateTree => {
    const s: StateTree = { nu: initialScale === 0 ? tf.zerosLike(g) : tf.fill(g.shape, initialScale) };
    if (centered) s.mu = tf.zerosLike(g);
    return s;
  };
  return {
    init(params) {
      const s: StateTree = {};
      for (const [n, p] of Object.entries(params)) s[n] = fresh(p);
      return { slots: s };
    },
    update(updates, state) {
      const [out, slots] = perVariable(updates, state.slots as StateTree | undefined, fresh, (g, slot) => {
        const nu = tf.add(tf.mul(slot.nu as tf.Tensor, decay), tf.mul(tf.square(g), 1 - decay));
        const next: StateTree = { nu };
        let v: tf.Tensor = nu;
        if (centered) {
          const mu = tf.add(tf.mul(slot.mu as tf.Tensor, decay), tf.mul(g, 1 - decay));
          next.mu = mu;
          v = tf.sub(nu, tf.square(mu));
        }
        const denom = epsInSqrt ? tf.sqrt(tf.add(v, epsilon)) : tf.add(tf.sqrt(v), epsilon);
        return [tf.div(g, denom), next];
      });
      return [out, { slots }];
    },
  };
}

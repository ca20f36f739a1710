import * as tf from '@tensorflow/tfjs-core';
import { perVariable, type GradientTransformation, type StateTree } from '../transform.js';

export interface TraceOptions {
  /** Momentum μ (default 0.9). */
  decay?: number;
  /** Nesterov momentum: u = g + μ·b. */
  nesterov?: boolean;
  /** PyTorch's dampening d: b ← μ·b + (1−d)·g after the first step (default 0). */
  dampening?: number;
}

/**
 * Momentum (heavy ball), PyTorch's SGD form.
 *
 * Notation: g gradient, b momentum buffer, μ decay, d dampening.
 *
 *   b₁ = g₁;  b_t = μ·b_{t−1} + (1−d)·g_t
 *   u = g + μ·b (nesterov) or u = b
 *
 * With d = 0 this is optax's `trace` (b₀ = 0 gives b₁ = g₁). With d > 0 the
 * first buffer is the raw gradient, as in `torch.optim.SGD` (optax has no
 * dampening).
 *
 * @see https://proceedings.mlr.press/v28/sutskever13.html
 */
export function trace(opts: TraceOptions = {}): GradientTransformation {
  const { decay = 0.9, nesterov = false, dampening = 0 } = opts;
  return {
    init(params) {
      const s: StateTree = {};
      for (const [name, p] of Object.entries(params)) s[name] = { buf: tf.zerosLike(p), count: 0 };
      return { slots: s };
    },
    update(updates, state) {
      const [out, slots] = perVariable(
        updates,
        state.slots as StateTree | undefined,
        (g) => ({ buf: tf.zerosLike(g), count: 0 }),
        (g, slot) => {
          const first = (slot.count as number) === 0;
          const buf = first ? tf.clone(g) : tf.add(tf.mul(slot.buf as tf.Tensor, decay), dampening === 0 ? g : tf.mul(g, 1 - dampening));
          const u = nesterov ? tf.add(g, tf.mul(buf, decay)) : buf;
          return [u, { buf, count: (slot.count as number) + 1 }];
        },
      );
      return [out, { slots }];
    },
  };
}

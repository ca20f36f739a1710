import * as tf from '@tensorflow/tfjs-core';
import { needParams, paramOf, type GradientTransformation, type ScalarOrSchedule, type TensorRecord, valueAt } from '../transform.js';

/**
 * Which variables weight decay applies to: a predicate over (name, tensor),
 * a list of names, or `'bias-and-norm'` to exclude rank ≤ 1 variables
 * (biases and normalisation gains) — the usual "no decay on biases and norms".
 */
export type DecayMask = ((name: string, param: tf.Tensor) => boolean) | readonly string[] | 'all' | 'bias-and-norm';

/** Whether `mask` selects the variable. */
export function maskSelects(mask: DecayMask | undefined, name: string, param: tf.Tensor): boolean {
  if (mask === undefined || mask === 'all') return true;
  if (mask === 'bias-and-norm') return param.rank > 1;
  if (typeof mask === 'function') return mask(name, param);
  return mask.includes(name);
}

/**
 * Adds λ·θ to the updates (optax `add_decayed_weights`).
 *
 * Notation: u update, θ parameter, λ weight decay.
 *
 *   u ← u + λ·θ   (only for variables the mask selects)
 *
 * Before the Adam scaling this is PyTorch's coupled L2 (`Adam(weight_decay)`);
 * after it and before {@link scaleByLearningRate} it is decoupled decay
 * (`AdamW`: θ ← θ − lr·λ·θ).
 *
 * @see https://arxiv.org/abs/1711.05101
 */
export function addDecayedWeights(weightDecay: ScalarOrSchedule = 0, mask?: DecayMask): GradientTransformation {
  return {
    init: () => ({ count: 0 }),
    update(updates, state, params) {
      const count = (state.count as number | undefined) ?? 0;
      const wd = valueAt(weightDecay, count);
      if (wd === 0) return [updates, { count: count + 1 }];
      const ps = needParams(params, 'addDecayedWeights');
      const out: TensorRecord = {};
      for (const [name, u] of Object.entries(updates)) {
        const p = paramOf(ps, name, 'addDecayedWeights');
        out[name] = maskSelects(mask, name, p) ? tf.add(u, tf.mul(p, wd)) : u;
      }
      return [out, { count: count + 1 }];
    },
  };
}

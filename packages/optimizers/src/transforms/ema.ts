import * as tf from '@tensorflow/tfjs-core';
import { needParams, paramOf, type GradientTransformation, type StateTree, type TensorRecord } from '../transform.js';

export interface EmaOptions {
  /** β: weight of the old average (default 0.999). */
  decay?: number;
  /** Divide by 1 − βᵗ when reading the average (Adam §7.2; default true). */
  debias?: boolean;
}

/**
 * Exponential moving average of the parameters (weight averaging, Adam
 * paper §7.2), computed after the inner updates; updates pass through
 * unchanged. Read the averaged weights with {@link emaParams}.
 *
 * Notation: θ parameter after the step, θ̄ average, β decay, t step (1-based).
 *
 *   θ̄ ← β·θ̄ + (1−β)·θ   (θ̄₀ = 0);   read: θ̄ / (1 − βᵗ) (debias) or θ̄
 *
 * Note: optax's `ema` averages the *updates*, not the parameters; the catalog
 * asks for weight averaging, which is what this is.
 *
 * @see https://arxiv.org/abs/1412.6980
 */
export function ema(inner: GradientTransformation<any>, opts: EmaOptions = {}): GradientTransformation {
  const { decay = 0.999, debias = true } = opts;
  return {
    init: (params) => ({ emaCount: 0, emaDecay: decay, emaDebias: debias ? 1 : 0, ema: {}, inner: inner.init(params) }),
    update(updates, state, params) {
      const ps = needParams(params, 'ema');
      const [u, s] = inner.update(updates, (state.inner as StateTree | undefined) ?? inner.init({}), params);
      const old = (state.ema as StateTree | undefined) ?? {};
      const avg: StateTree = { ...old };
      for (const [n, un] of Object.entries(u)) {
        const p = paramOf(ps, n, 'ema');
        const prev = (old[n] as tf.Tensor | undefined) ?? tf.zerosLike(p);
        avg[n] = tf.add(tf.mul(prev, decay), tf.mul(tf.add(p, un), 1 - decay));
      }
      return [u as TensorRecord, { emaCount: ((state.emaCount as number | undefined) ?? 0) + 1, emaDecay: decay, emaDebias: debias ? 1 : 0, ema: avg, inner: s }];
    },
  };
}

/** The averaged parameters held by an {@link ema} state found anywhere in `state` (new tensors, caller owns). */
export function emaParams(state: StateTree): TensorRecord {
  const found = find(state);
  if (!found) throw new TypeError('emaParams: no ema(...) transformation in this state.');
  const t = found.emaCount as number;
  const beta = found.emaDecay as number;
  const k = (found.emaDebias as number) === 1 && t > 0 ? 1 / (1 - Math.pow(beta, t)) : 1;
  const out: TensorRecord = {};
  for (const [n, v] of Object.entries(found.ema as StateTree)) out[n] = tf.mul(v as tf.Tensor, k);
  return out;
}

function find(s: StateTree): StateTree | undefined {
  if (s.ema && typeof s.emaCount === 'number') return s;
  for (const v of Object.values(s)) {
    if (v && typeof v === 'object' && !(v instanceof tf.Tensor)) {
      const f = find(v as StateTree);
      if (f) return f;
    }
  }
  return undefined;
}

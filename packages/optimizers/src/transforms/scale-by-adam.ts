import * as tf from '@tensorflow/tfjs-core';
import { adamUpdate } from '@tessera/core';
import { needParams, paramOf, perVariable, type GradientTransformation, type StateTree } from '../transform.js';
import { maskSelects, type DecayMask } from './add-decayed-weights.js';

export interface ScaleByAdamOptions {
  /** Decay of the first moment (default 0.9). */
  beta1?: number;
  /** Decay of the second moment (default 0.999). */
  beta2?: number;
  /** Added to the bias-corrected root of the second moment (default 1e-8, PyTorch's). */
  epsilon?: number;
  /** Use the running maximum of the second moment (AMSGrad, PyTorch's form). */
  amsgrad?: boolean;
  /** Nesterov momentum as in NAdam without the momentum schedule (optax `nesterov=True`). */
  nesterov?: boolean;
  /**
   * Fused step size: when given, the output is multiplied by −lr() inside the same
   * kernel chain (what `chain(scaleByAdam(), scaleByLearningRate(lr))` computes, with two
   * fewer full-size ops per variable). Used by the `adam` optimizer.
   */
  fusedLearningRate?: () => number;
  /**
   * Fused decoupled weight decay (needs `fusedLearningRate`): adds −lr()·λ·θ to the output for
   * the variables `mask` selects, what `chain(scaleByAdam(), addDecayedWeights(λ, mask),
   * scaleByLearningRate(lr))` computes. Used by the `adamw` optimizer.
   */
  fusedWeightDecay?: { rate: number; mask?: DecayMask };
}

/**
 * Rescales updates with Adam's bias-corrected moment estimates.
 *
 * Notation: g gradient, m first moment, v second moment, t per-variable step (1-based).
 *
 *   m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²
 *   u = (m / (1−β1ᵗ)) / (√v / √(1−β2ᵗ) + ε)
 *
 * ε sits outside the root after bias correction, as in `torch.optim.Adam`
 * (optax's `scale_by_adam` with `eps_root = 0` is the same). With `amsgrad`,
 * v̂ = max(v̂, v) replaces v in the denominator (PyTorch 1.13's form). The step
 * counter is per variable (a variable without a gradient does not advance),
 * as in PyTorch; it is a host number, so the bias corrections are computed
 * on the host in float64.
 *
 * @see https://arxiv.org/abs/1412.6980
 */
export function scaleByAdam(opts: ScaleByAdamOptions = {}): GradientTransformation {
  const { beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, amsgrad = false, nesterov = false, fusedLearningRate, fusedWeightDecay } = opts;
  if (fusedWeightDecay && !fusedLearningRate) throw new TypeError('scaleByAdam: fusedWeightDecay needs fusedLearningRate (the decay is scaled by the learning rate).');
  return {
    init(params) {
      const s: StateTree = {};
      for (const [name, p] of Object.entries(params)) s[name] = fresh(p);
      return { slots: s };
    },
    update(updates, state, params) {
      const decay = fusedWeightDecay && fusedWeightDecay.rate !== 0 ? fusedWeightDecay : undefined;
      const ps = decay ? needParams(params, 'scaleByAdam (fusedWeightDecay)') : undefined;
      const [out, slots] = perVariable(updates, state.slots as StateTree | undefined, (g) => fresh(g), (g, slot, name) => {
        const t = (slot.count as number) + 1;
        const bc1 = 1 - Math.pow(beta1, t);
        const bc2 = 1 - Math.pow(beta2, t);
        if (fusedLearningRate && !nesterov) {
          // m/bc1 / (√v/√bc2 + ε) = m·(√bc2/bc1) / (√v + ε√bc2): one scalar factor, and the whole
          // step (moments, update, decay) in one fused kernel on cpu and wasm (core's adamUpdate).
          const sb2 = Math.sqrt(bc2);
          const lr = fusedLearningRate();
          const p = ps ? paramOf(ps, name, 'scaleByAdam') : undefined;
          const decays = decay !== undefined && p !== undefined && maskSelects(decay.mask, name, p);
          const r = adamUpdate({
            grad: g,
            m: slot.m as tf.Tensor,
            v: slot.v as tf.Tensor,
            ...(amsgrad ? { vMax: slot.vMax as tf.Tensor } : {}),
            ...(decays ? { param: p, decay: -lr * decay!.rate } : {}),
            beta1,
            beta2,
            stepSize: (-lr * sb2) / bc1,
            epsilon: epsilon * sb2,
          });
          const next: StateTree = { m: r.m, v: r.v, count: t };
          if (r.vMax) next.vMax = r.vMax;
          return [r.update, next];
        }
        const m = tf.add(tf.mul(slot.m as tf.Tensor, beta1), tf.mul(g, 1 - beta1));
        const v = tf.add(tf.mul(slot.v as tf.Tensor, beta2), tf.mul(tf.square(g), 1 - beta2));
        let vMax: tf.Tensor | undefined;
        if (amsgrad) vMax = tf.maximum(slot.vMax as tf.Tensor, v);
        const denom = tf.add(tf.mul(tf.sqrt(vMax ?? v), 1 / Math.sqrt(bc2)), epsilon);
        const num = nesterov
          ? tf.add(tf.mul(m, beta1 / (1 - Math.pow(beta1, t + 1))), tf.mul(g, (1 - beta1) / bc1))
          : tf.mul(m, 1 / bc1);
        const next: StateTree = { m, v, count: t };
        if (vMax) next.vMax = vMax;
        return [tf.div(num, denom), next];
      });
      return [out, { slots }];
    },
  };
  function fresh(p: tf.Tensor): StateTree {
    const s: StateTree = { m: tf.zerosLike(p), v: tf.zerosLike(p), count: 0 };
    if (amsgrad) s.vMax = tf.zerosLike(p);
    return s;
  }
}

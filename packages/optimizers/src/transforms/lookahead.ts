import * as tf from '@tensorflow/tfjs-core';
import { needParams, paramOf, type GradientTransformation, type StateTree, type TensorRecord } from '../transform.js';

export interface LookaheadOptions {
  /** k: fast steps between synchronisations (default 6, optax's; the paper uses 5–10). */
  syncPeriod?: number;
  /** α: step of the slow weights towards the fast ones (default 0.5). */
  slowStepSize?: number;
}

/**
 * Lookahead: every k steps the slow weights move α of the way to the fast
 * weights, and the fast weights restart from them.
 *
 * Notation: θ fast weights (the variables), φ slow weights (state), u inner update.
 *
 *   θ' = θ + u;  every k-th step: φ ← φ + α·(θ' − φ);  θ' ← φ
 *
 * φ starts at the parameters seen on the first update. Unlike optax's
 * `lookahead`, which keeps both sets in the parameter pytree, the variables
 * hold the fast weights and the slow ones live in the state (the PyTorch
 * implementations' form).
 *
 * @see https://arxiv.org/abs/1907.08610
 */
export function lookahead(inner: GradientTransformation<any>, opts: LookaheadOptions = {}): GradientTransformation {
  const { syncPeriod = 6, slowStepSize = 0.5 } = opts;
  return {
    init: (params) => {
      const slow: StateTree = {};
      for (const [n, p] of Object.entries(params)) slow[n] = tf.clone(p);
      return { count: 0, slow, inner: inner.init(params) };
    },
    update(updates, state, params) {
      const ps = needParams(params, 'lookahead');
      const count = ((state.count as number | undefined) ?? 0) + 1;
      const [u, s] = inner.update(updates, (state.inner as StateTree | undefined) ?? inner.init({}), params);
      const slowOld = (state.slow as StateTree | undefined) ?? {};
      const slow: StateTree = { ...slowOld };
      const out: TensorRecord = {};
      for (const [n, un] of Object.entries(u)) {
        const p = paramOf(ps, n, 'lookahead');
        const phi = (slowOld[n] as tf.Tensor | undefined) ?? tf.clone(p);
        if (count % syncPeriod === 0) {
          const fast = tf.add(p, un);
          const phiNew = tf.add(phi, tf.mul(tf.sub(fast, phi), slowStepSize));
          slow[n] = phiNew;
          out[n] = tf.sub(phiNew, p);
        } else {
          slow[n] = phi;
          out[n] = un;
        }
      }
      return [out, { count, slow, inner: s }];
    },
  };
}

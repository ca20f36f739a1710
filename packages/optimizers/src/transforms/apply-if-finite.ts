import * as tf from '@tensorflow/tfjs-core';
import type { GradientTransformation, StateTree, TensorRecord } from '../transform.js';

function selectTree(ok: tf.Tensor, next: StateTree, old: StateTree | undefined): StateTree {
  const out: StateTree = {};
  for (const [k, v] of Object.entries(next)) {
    const o = old?.[k];
    if (v instanceof tf.Tensor) {
      out[k] = o instanceof tf.Tensor && o.shape.length === v.shape.length && o !== v ? tf.where(tf.broadcastTo(ok, v.shape), v, o) : v;
    } else if (v && typeof v === 'object') out[k] = selectTree(ok, v as StateTree, o as StateTree | undefined);
    else out[k] = v;
  }
  return out;
}

/**
 * Skips steps whose updates are not finite (optax `apply_if_finite`): when any
 * element of the inner updates is NaN or ±∞, the updates are zero and the
 * inner state's tensors keep their old values. The decision stays on the
 * device (a `where` per tensor, no host read).
 *
 * State: `{ inner, notFinite }` where `notFinite` is a device scalar counting
 * consecutive skipped steps, `total` all skipped steps.
 *
 * Difference from optax: host-side counters of the inner state (per-variable
 * step counts, a schedule's step) advance on a skipped step, because reading
 * the flag on the host would cost a sync per step; tensors are restored
 * exactly. optax also gives up after `max_consecutive_errors`; here skipping
 * never stops.
 */
export function applyIfFinite(inner: GradientTransformation<any>): GradientTransformation {
  return {
    init: (params) => ({ inner: inner.init(params), notFinite: tf.scalar(0, 'int32'), total: tf.scalar(0, 'int32') }),
    update(updates, state, params) {
      const innerState = (state.inner as StateTree | undefined) ?? inner.init({});
      const [u, s] = inner.update(updates, innerState, params);
      const flags = Object.values(u).map((t) => tf.all(tf.isFinite(t)));
      const ok = flags.length === 0 ? tf.scalar(true, 'bool') : flags.reduce((a, b) => tf.logicalAnd(a, b));
      const out: TensorRecord = {};
      for (const [n, t] of Object.entries(u)) out[n] = tf.where(tf.broadcastTo(ok, t.shape), t, tf.zerosLike(t));
      const prevBad = (state.notFinite as tf.Tensor | undefined) ?? tf.scalar(0, 'int32');
      const prevTotal = (state.total as tf.Tensor | undefined) ?? tf.scalar(0, 'int32');
      const bad = tf.cast(tf.logicalNot(ok), 'int32');
      return [
        out,
        {
          inner: selectTree(ok, s, innerState),
          notFinite: tf.mul(tf.add(prevBad, bad), bad),
          total: tf.add(prevTotal, bad),
        },
      ];
    },
  };
}

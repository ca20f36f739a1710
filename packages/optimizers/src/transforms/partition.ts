import type * as tf from '@tensorflow/tfjs-core';
import type { GradientTransformation, StateTree, TensorRecord } from '../transform.js';

/** Labels a variable: a map from name to label, or a function of name and tensor. */
export type Labeler = Readonly<Record<string, string>> | ((name: string, param: tf.Tensor) => string);

/**
 * Parameter groups (optax `partition`, formerly `multi_transform`): each
 * variable gets a label, and the transformation of that label handles it.
 * State is `{ [label]: state of that label's transformation }`.
 *
 * @example partition({ decay: adamwTx, noDecay: adamTx }, (name, p) => (p.rank > 1 ? 'decay' : 'noDecay'))
 */
export function partition(transforms: Readonly<Record<string, GradientTransformation<any>>>, labels: Labeler): GradientTransformation {
  const labelOf = (name: string, t: tf.Tensor): string => {
    const l = typeof labels === 'function' ? labels(name, t) : labels[name];
    if (l === undefined || !transforms[l]) {
      throw new TypeError(`partition: variable "${name}" has label ${JSON.stringify(l)}, which has no transformation (labels: ${Object.keys(transforms).join(', ')}).`);
    }
    return l;
  };
  const split = (rec: TensorRecord, params?: TensorRecord): Record<string, TensorRecord> => {
    const out: Record<string, TensorRecord> = {};
    for (const [name, t] of Object.entries(rec)) {
      const l = labelOf(name, params?.[name] ?? t);
      (out[l] ??= {})[name] = t;
    }
    return out;
  };
  return {
    init(params) {
      const groups = split(params);
      const s: StateTree = {};
      for (const [l, tx] of Object.entries(transforms)) s[l] = tx.init(groups[l] ?? {});
      return s;
    },
    update(updates, state, params) {
      const groups = split(updates, params);
      const next: StateTree = { ...state };
      const out: TensorRecord = {};
      for (const [l, u] of Object.entries(groups)) {
        const tx = transforms[l]!;
        const [u2, s2] = tx.update(u, (state[l] as StateTree | undefined) ?? tx.init({}), params);
        Object.assign(out, u2);
        next[l] = s2;
      }
      return [out, next];
    },
  };
}

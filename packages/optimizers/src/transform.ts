import * as tf from '@tensorflow/tfjs-core';

/**
 * Optax-style gradient transformations over records of tensors keyed by
 * variable name.
 *
 * Notation: g gradient, u update (what is added to the parameter), θ
 * parameter, k 0-based step, t = k + 1.
 *
 * A transformation is a pair of pure functions `init(params) → state` and
 * `update(updates, state, params?) → [updates, state]`. Only
 * {@link scaleByLearningRate} flips the sign: every other transformation maps
 * a descent direction to a descent direction, and the final updates are
 * *added* to the parameters (`θ ← θ + u`).
 *
 * State is a tree of records whose leaves are tensors or host numbers (step
 * counts and other host-side scalars). Per-variable state lives under the
 * variable's name and is created lazily the first time a gradient for that
 * variable arrives, so a transformation can be used without `init` (as
 * `model.fit` does). A variable whose gradient is missing from `updates`
 * keeps its state unchanged (PyTorch's `p.grad is None`).
 *
 * Ownership: `update` never disposes tensors of the state it receives and
 * returns a new state, which may share unchanged leaves with the old one. The
 * caller (usually {@link TransformOptimizer}) disposes old leaves that the new
 * state no longer holds.
 */

/** Tensors keyed by variable name: gradients, updates or parameters. */
export type TensorRecord = Record<string, tf.Tensor>;
/** A leaf of a transformation's state. */
export type StateLeaf = tf.Tensor | number;
/** The state of a transformation: nested records of tensors and host numbers. */
export interface StateTree {
  [key: string]: StateLeaf | StateTree | undefined;
}

/** An optax-style gradient transformation. */
export interface GradientTransformation<S extends StateTree = StateTree> {
  /** The initial state for `params` (per-variable state may also be created lazily by `update`). */
  init(params: TensorRecord): S;
  /**
   * Transforms `updates` (gradients at first), returning the new updates and
   * the new state. `params` are the current parameter values (needed by
   * weight decay, trust ratios, lookahead, …).
   */
  update(updates: TensorRecord, state: S, params?: TensorRecord): [TensorRecord, S];
}

/** A value that may change with the step: a number, a schedule or a function of the step. */
export type ScalarOrSchedule = number | { valueAt(step: number): number } | ((step: number) => number);

/** Evaluates a {@link ScalarOrSchedule} at `step`. */
export function valueAt(v: ScalarOrSchedule, step: number): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'function') return v(step);
  return v.valueAt(step);
}

/** Throws a clear error when a transformation needs `params` and got none. */
export function needParams(params: TensorRecord | undefined, who: string): TensorRecord {
  if (!params) throw new TypeError(`${who}: this transformation needs the current parameters; call update(updates, state, params).`);
  return params;
}

/** The parameter of `name`, or a clear error. */
export function paramOf(params: TensorRecord, name: string, who: string): tf.Tensor {
  const p = params[name];
  if (!p) throw new TypeError(`${who}: no parameter "${name}" among the params given to update().`);
  return p;
}

/** A stateless transformation from a per-variable function. */
export function stateless(fn: (u: tf.Tensor, name: string, param: tf.Tensor | undefined) => tf.Tensor): GradientTransformation {
  return {
    init: () => ({}),
    update(updates, state, params) {
      const out: TensorRecord = {};
      for (const [name, u] of Object.entries(updates)) out[name] = fn(u, name, params?.[name]);
      return [out, state];
    },
  };
}

/** The identity transformation. */
export function identity(): GradientTransformation {
  return { init: () => ({}), update: (u, s) => [u, s] };
}

/**
 * Applies transformations in sequence: the updates of one are the input of
 * the next. State is `{ '0': state0, '1': state1, … }`.
 *
 * @example chain(clipByGlobalNorm(1), scaleByAdam(), addDecayedWeights(0.01), scaleByLearningRate(1e-3))
 */
export function chain(...transforms: GradientTransformation<any>[]): GradientTransformation {
  return {
    init(params) {
      const s: StateTree = {};
      transforms.forEach((t, i) => (s[String(i)] = t.init(params)));
      return s;
    },
    update(updates, state, params) {
      const next: StateTree = {};
      let u = updates;
      transforms.forEach((t, i) => {
        const [u2, s2] = t.update(u, (state[String(i)] as StateTree | undefined) ?? t.init({}), params);
        u = u2;
        next[String(i)] = s2;
      });
      return [u, next];
    },
  };
}

/**
 * Per-variable state helper: for each variable in `updates`, reads its
 * state (creating it with `make(u)` on first sight), runs `step`, and
 * returns the new updates and the new per-variable record. Variables absent
 * from `updates` keep their state.
 */
export function perVariable<V extends StateTree>(
  updates: TensorRecord,
  slots: StateTree | undefined,
  make: (u: tf.Tensor, name: string) => V,
  step: (u: tf.Tensor, slot: V, name: string) => [tf.Tensor, V],
): [TensorRecord, StateTree] {
  const nextSlots: StateTree = { ...(slots ?? {}) };
  const out: TensorRecord = {};
  for (const [name, u] of Object.entries(updates)) {
    const slot = (slots?.[name] as V | undefined) ?? make(u, name);
    const [u2, s2] = step(u, slot, name);
    out[name] = u2;
    nextSlots[name] = s2;
  }
  return [out, nextSlots];
}

/** Squared global L2 norm of a record, as a scalar tensor (on device). */
export function globalSquaredNorm(tensors: TensorRecord): tf.Scalar {
  const parts = Object.values(tensors).map((t) => tf.sum(tf.square(t)));
  if (parts.length === 0) return tf.scalar(0);
  return (parts.length === 1 ? parts[0]! : tf.addN(parts)) as tf.Scalar;
}

/** Global L2 norm of a record, as a scalar tensor (on device). */
export function globalNorm(tensors: TensorRecord): tf.Scalar {
  return tf.sqrt(globalSquaredNorm(tensors));
}

/** Every tensor leaf of a state tree. */
export function stateTensors(state: StateTree | undefined, out: tf.Tensor[] = []): tf.Tensor[] {
  if (!state) return out;
  for (const v of Object.values(state)) {
    if (v instanceof tf.Tensor) out.push(v);
    else if (v && typeof v === 'object') stateTensors(v as StateTree, out);
  }
  return out;
}

/** Flattens a state tree to `[path, leaf]` pairs; path segments are URI-encoded and joined by `/`. */
export function flattenState(state: StateTree, prefix: string[] = [], out: [string[], StateLeaf][] = []): [string[], StateLeaf][] {
  for (const key of Object.keys(state).sort()) {
    const v = state[key];
    if (v === undefined) continue;
    if (v instanceof tf.Tensor || typeof v === 'number') out.push([[...prefix, key], v]);
    else flattenState(v, [...prefix, key], out);
  }
  return out;
}

/** Rebuilds a state tree from `[path, leaf]` pairs. */
export function unflattenState(entries: [string[], StateLeaf][]): StateTree {
  const root: StateTree = {};
  for (const [path, leaf] of entries) {
    let node = root;
    path.forEach((seg, i) => {
      if (i === path.length - 1) node[seg] = leaf;
      else {
        if (!node[seg] || node[seg] instanceof tf.Tensor || typeof node[seg] === 'number') node[seg] = {};
        node = node[seg] as StateTree;
      }
    });
  }
  return root;
}

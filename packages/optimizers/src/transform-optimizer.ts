import * as tf from '@tensorflow/tfjs-core';
import { isSchedule, type Schedule } from '@tessera/core';
/** A named tensor, as tf.Optimizer's getWeights/setWeights use it. */
export interface NamedTensor { name: string; tensor: tf.Tensor }
import { partition } from './transforms/partition.js';
import { flattenState, stateTensors, unflattenState, type GradientTransformation, type StateLeaf, type StateTree, type TensorRecord } from './transform.js';

/** Selects the variables of a parameter group: a list of names, a regular expression, or a predicate. */
export type GroupSelector = readonly string[] | RegExp | ((name: string, param: tf.Tensor) => boolean);

/**
 * A parameter group: a selector and the hyperparameters that differ for the
 * variables it selects (any hyperparameter of the optimizer, e.g.
 * `weightDecay: 0`). `learningRate` is the group's learning rate at the
 * optimizer's base rate; when the optimizer's rate changes (a schedule,
 * `setLearningRate`) every group's rate is scaled by the same factor, as
 * PyTorch's `LambdaLR` does. `lrMultiplier` states the ratio directly.
 * The first group that selects a variable wins; unselected variables use the
 * optimizer's own hyperparameters.
 */
export interface ParamGroup {
  params: GroupSelector;
  learningRate?: number;
  lrMultiplier?: number;
  [hyperparameter: string]: unknown;
}

/** What an optimizer's `build` receives besides its hyperparameters. */
export interface BuildContext {
  /** The learning rate of the step being computed (schedule value × group multiplier). */
  lr(): number;
  /** The optimizer's name, for error messages. */
  readonly name: string;
}

/** What a serialisable learning rate looks like in `getConfig()`. */
type LrConfig = number | { schedule: string; params: Record<string, unknown> };

const ENGINE = () => tf.engine();

function selects(sel: GroupSelector, name: string, param: tf.Tensor): boolean {
  if (typeof sel === 'function') return (sel as (n: string, p: tf.Tensor) => boolean)(name, param);
  if (sel instanceof RegExp) return sel.test(name);
  return (sel as readonly string[]).includes(name);
}

/** Encodes a float64 host number exactly as two int32 words. */
function f64ToInt32(x: number): Int32Array {
  const buf = new ArrayBuffer(8);
  new Float64Array(buf)[0] = x;
  return new Int32Array(buf);
}
function int32ToF64(words: ArrayLike<number>): number {
  const buf = new ArrayBuffer(8);
  const w = new Int32Array(buf);
  w[0] = words[0]!;
  w[1] = words[1]!;
  return new Float64Array(buf)[0]!;
}

/**
 * Parses a state weight name written by {@link TransformOptimizer.getWeightsSync}:
 * `<variable>/#<kind><path>` (the `@` segment is the variable) or `<kind><path>`.
 */
export function parseWeightName(name: string): { kind: 't:' | 'n:' | 'f:'; path: string[]; variable?: string } | undefined {
  const m = /\/#([tnf]:)([^#]*)$/.exec(name);
  if (m) {
    const variable = name.slice(0, m.index);
    const path = m[2]!.split('/').map((seg) => (seg === '@' ? variable : decodeURIComponent(seg)));
    return { kind: m[1] as 't:' | 'n:' | 'f:', path, variable };
  }
  const kind = name.slice(0, 2);
  if (kind !== 't:' && kind !== 'n:' && kind !== 'f:') return undefined;
  return { kind, path: name.slice(2).split('/').map(decodeURIComponent) };
}

/**
 * A `tf.Optimizer` that runs a {@link GradientTransformation}.
 *
 * Each `applyGradients` call runs `update` inside `tf.tidy`, adds the updates
 * to the variables in place, keeps the new state and disposes the leaves of
 * the old state the new one no longer holds, so the tensor count does not
 * grow across steps. `learningRate` is a number or a schedule evaluated at
 * `iterations` (updates already applied). `getWeights()` / `setWeights()`
 * carry the complete state (tensors, and host numbers stored exactly as two
 * int32 words), so a fresh optimizer continues bit-identically.
 *
 * Subclasses registered with `tf.serialization` (every optimizer of this
 * package) work with `model.compile` / `model.fit`.
 */
export class TransformOptimizer extends tf.Optimizer {
  static className = 'TransformOptimizer';

  /** Whether `minimize(f)` calls `f` more than once (SAM). */
  readonly needsClosure: boolean = false;
  /** The validated hyperparameters this optimizer was built from (a scheduled one holds its step-0 value). */
  readonly hyperparameters: Readonly<Record<string, unknown>>;
  /** Hyperparameters given as schedules (other than the learning rate), evaluated every step through `injectHyperparams`. */
  scheduledHyperparameters: Readonly<Record<string, Schedule>> = {};
  protected readonly label: string;
  protected lr: number | Schedule;
  protected readonly baseLr: number;
  protected tx: GradientTransformation;
  protected state: StateTree = {};

  /**
   * @param hyperparameters validated hyperparameters (must include `learningRate`; may include `paramGroups`)
   * @param build builds the transformation of one parameter group from its hyperparameters
   * @param label name used in errors (e.g. `optimizer "adamw"`)
   */
  constructor(
    hyperparameters: Record<string, unknown>,
    build: (hp: Record<string, unknown>, ctx: BuildContext) => GradientTransformation,
    label = 'TransformOptimizer',
  ) {
    super();
    this.hyperparameters = Object.freeze({ ...hyperparameters });
    this.label = label;
    const lr = hyperparameters.learningRate as number | Schedule | undefined;
    this.lr = lr ?? 1e-3;
    this.baseLr = typeof this.lr === 'number' ? this.lr : this.lr.valueAt(0);
    const groups = (hyperparameters.paramGroups as ParamGroup[] | undefined) ?? [];
    const ctx = (mult: number): BuildContext => ({ lr: () => this.getLearningRate() * mult, name: label });
    const { paramGroups: _g, ...rest } = hyperparameters;
    if (groups.length === 0) {
      this.tx = build(rest, ctx(1));
    } else {
      const txs: Record<string, GradientTransformation> = { default: build(rest, ctx(1)) };
      groups.forEach((g, i) => {
        const { params: _sel, learningRate, lrMultiplier, ...overrides } = g;
        let mult = lrMultiplier ?? 1;
        if (learningRate !== undefined) {
          if (!(this.baseLr > 0)) throw new RangeError(`${label}: a parameter group's learningRate needs a base learningRate > 0; use lrMultiplier.`);
          mult *= learningRate / this.baseLr;
        }
        txs[`group${i}`] = build({ ...rest, ...overrides }, ctx(mult));
      });
      this.tx = partition(txs, (name, p) => {
        const i = groups.findIndex((g) => selects(g.params, name, p));
        return i < 0 ? 'default' : `group${i}`;
      });
    }
  }

  /** Replaces the learning rate (a number or a schedule evaluated at `iterations`). */
  setLearningRate(lr: number | Schedule): void {
    if (typeof lr === 'number') {
      if (!(lr >= 0)) throw new RangeError(`${this.label}: learningRate must be ≥ 0; got ${lr}.`);
    } else if (!isSchedule(lr)) throw new TypeError(`${this.label}: learningRate must be a number or a schedule with valueAt(step).`);
    this.lr = lr;
  }

  /** The learning rate used by the next step (the schedule's value at `iterations`). */
  getLearningRate(): number {
    return typeof this.lr === 'number' ? this.lr : this.lr.valueAt(this.iterations);
  }

  /** Applies one update. Gradients missing from the map (unused variables) leave their variables and state unchanged. */
  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const grads = this.toRecord(variableGradients);
    const vars = this.variablesOf(Object.keys(grads));
    this.step(grads, vars);
  }

  /** Runs the transformation and applies its updates (shared with subclasses). */
  protected step(grads: TensorRecord, vars: Record<string, tf.Variable>): TensorRecord | void {
    const old = this.state;
    const inputs = new Set<tf.Tensor>([...Object.values(grads), ...Object.values(vars)]);
    const next = tf.tidy(() => {
      const [updates, s] = this.tx.update(grads, old, vars);
      for (const [name, u] of Object.entries(updates)) {
        const v = vars[name];
        if (!v) continue;
        v.assign(tf.add(v, u));
      }
      return this.ownLeaves(s, inputs);
    });
    this.replaceState(next);
    this.incrementIterations();
  }

  /** Clones leaves that are caller-owned tensors (gradients, variables), so the state never aliases them. */
  protected ownLeaves(s: StateTree, inputs: Set<tf.Tensor>): StateTree {
    const out: StateTree = {};
    for (const [k, v] of Object.entries(s)) {
      if (v instanceof tf.Tensor) out[k] = inputs.has(v) ? tf.clone(v) : v;
      else if (v && typeof v === 'object') out[k] = this.ownLeaves(v as StateTree, inputs);
      else out[k] = v;
    }
    return out;
  }

  /** Keeps `next` and disposes the leaves of the old state it does not hold. */
  protected replaceState(next: StateTree): void {
    const keep = new Set(stateTensors(next));
    // Kept: an enclosing tf.tidy (model.fit runs the step inside one) must not free the state.
    for (const t of keep) tf.keep(t);
    for (const t of stateTensors(this.state)) if (!keep.has(t) && !t.isDisposed) t.dispose();
    this.state = next;
  }

  protected toRecord(variableGradients: tf.NamedTensorMap | NamedTensor[]): TensorRecord {
    const out: TensorRecord = {};
    if (Array.isArray(variableGradients)) {
      for (const { name, tensor } of variableGradients) if (tensor != null) out[name] = tensor;
    } else {
      for (const [name, g] of Object.entries(variableGradients)) if (g != null) out[name] = g;
    }
    return out;
  }

  protected variablesOf(names: string[]): Record<string, tf.Variable> {
    const registered = ENGINE().registeredVariables;
    const out: Record<string, tf.Variable> = {};
    for (const name of names) {
      const v = registered[name];
      if (!v) throw new TypeError(`${this.label}: applyGradients got a gradient for "${name}", which is not a registered tf.Variable.`);
      out[name] = v;
    }
    return out;
  }

  /**
   * The full state: the iteration count first (`iter`, as tfjs optimizers),
   * then every leaf under its path. A leaf that belongs to a variable is named
   * `<variable name>/#<kind><path>` (the variable's own segment of the path is `@`),
   * so a checkpoint restored into a model whose variables got other names can be
   * renamed by prefix, as tfjs optimizers' `<variable>/m` names are; other leaves are
   * `<kind><path>`. Kinds: `t:` tensors (the optimizer's own, valid until the next step;
   * do not dispose them), `n:` integers and `f:` float64 numbers (two int32 words), both as
   * new int32 tensors. Path segments are URI-encoded and joined by `/`.
   */
  override async getWeights(): Promise<NamedTensor[]> {
    return this.getWeightsSync();
  }

  /** {@link getWeights} without the promise. */
  getWeightsSync(): NamedTensor[] {
    const registered = tf.engine().registeredVariables;
    const out: NamedTensor[] = [{ name: 'iter', tensor: tf.scalar(this.iterations, 'int32') }];
    for (const [path, leaf] of flattenState(this.state)) {
      const vi = path.findIndex((seg) => registered[seg] !== undefined);
      const key = path.map((seg, i) => (i === vi ? '@' : encodeURIComponent(seg))).join('/');
      let kind: string;
      let tensor: tf.Tensor;
      if (leaf instanceof tf.Tensor) [kind, tensor] = ['t:', leaf];
      else if (Number.isInteger(leaf) && Math.abs(leaf) < 2 ** 31) [kind, tensor] = ['n:', tf.scalar(leaf, 'int32')];
      else [kind, tensor] = ['f:', tf.tensor1d(f64ToInt32(leaf), 'int32')];
      out.push({ name: vi >= 0 ? `${path[vi]}/#${kind}${key}` : `${kind}${key}`, tensor });
    }
    return out;
  }

  /** Replaces the full state with copies of `weightValues` (as {@link getWeights} returned them). */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    this.setWeightsSync(weightValues);
  }

  /** {@link setWeights} without the promise. */
  setWeightsSync(weightValues: NamedTensor[]): void {
    const entries: [string[], StateLeaf][] = [];
    let iterations = this.iterations;
    for (const { name, tensor } of weightValues) {
      if (name === 'iter') {
        iterations = tensor.dataSync()[0]!;
        continue;
      }
      const parsed = parseWeightName(name);
      if (!parsed) throw new TypeError(`${this.label}: setWeights got an entry "${name}" that no Tessera optimizer wrote.`);
      const { kind, path } = parsed;
      if (kind === 't:') entries.push([path, tf.clone(tensor)]);
      else if (kind === 'n:') entries.push([path, tensor.dataSync()[0]!]);
      else entries.push([path, int32ToF64(tensor.dataSync())]);
    }
    this.replaceState(unflattenState(entries));
    this.iterations_ = iterations;
  }

  /**
   * Renames per-variable state (state is keyed by variable name): use it when a model was
   * rebuilt in a process where its variables got other names (tfjs makes names unique).
   */
  renameVariables(mapping: Readonly<Record<string, string>>): void {
    const walk = (s: StateTree): StateTree => {
      const out: StateTree = {};
      for (const [k, v] of Object.entries(s)) {
        const key = mapping[k] ?? k;
        out[key] = v && typeof v === 'object' && !(v instanceof tf.Tensor) ? walk(v as StateTree) : v;
      }
      return out;
    };
    this.state = walk(this.state);
  }

  /** The transformation state (read-only view; tensors are owned by the optimizer). */
  getState(): Readonly<StateTree> {
    return this.state;
  }

  override dispose(): void {
    for (const t of stateTensors(this.state)) if (!t.isDisposed) t.dispose();
    this.state = {};
  }

  override getConfig(): tf.serialization.ConfigDict {
    const cfg: Record<string, unknown> = {};
    for (const [k, sch] of Object.entries(this.scheduledHyperparameters)) {
      const s = sch as Schedule & { params?: Record<string, unknown> };
      if (s.params && s.manifest?.name) cfg[k] = { schedule: s.manifest.name, params: s.params };
    }
    for (const [k, v] of Object.entries(this.hyperparameters)) {
      if (k in cfg) continue;
      if (k === 'paramGroups') {
        const groups = (v as ParamGroup[]).filter((g) => Array.isArray(g.params));
        if (groups.length) cfg.paramGroups = groups;
      } else if (k === 'learningRate') cfg.learningRate = this.lrConfig();
      else if (v === undefined || typeof v === 'function' || v instanceof RegExp) continue;
      else if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
        // Plain JSON records (a wrapper's baseParams) are kept; anything else is not serialisable.
        try {
          cfg[k] = JSON.parse(JSON.stringify(v));
        } catch {
          continue;
        }
      } else cfg[k] = v;
    }
    return cfg as tf.serialization.ConfigDict;
  }

  protected lrConfig(): LrConfig {
    if (typeof this.lr === 'number') return this.lr;
    const s = this.lr as Schedule & { params?: Record<string, unknown> };
    if (s.params && s.manifest?.name) return { schedule: s.manifest.name, params: s.params };
    return this.getLearningRate();
  }
}

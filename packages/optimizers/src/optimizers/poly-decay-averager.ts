import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { buildBase, defineOptimizer, learningRateField, paramGroupsField } from '../define-optimizer.js';
import { TransformOptimizer, type NamedTensor } from '../transform-optimizer.js';
import { needParams, type GradientTransformation, type StateTree, type TensorRecord } from '../transform.js';

/**
 * Polynomial-decay averaging of the iterates after any inner transformation
 * (dog-optimizer 1.0.3 `PolynomialDecayAverager`).
 *
 * Notation: x_t parameters after step t (1-based), γ gamma.
 *
 *   x̄_t = (1 − (1+γ)/(t+γ))·x̄_{t−1} + ((1+γ)/(t+γ))·x_t     (x̄₁ = x₁)
 *
 * γ = 0 is the uniform average; large γ approaches the last iterate.
 */
export function polyDecayAverage(inner: GradientTransformation<any>, gamma: number): GradientTransformation {
  return {
    init: (params) => ({ averager: 1, t: 0, avg: {}, inner: inner.init(params) }),
    update(updates, state, params) {
      const ps = needParams(params, 'poly-decay-averager');
      const [u, s] = inner.update(updates, (state.inner as StateTree | undefined) ?? inner.init({}), params);
      const t = ((state.t as number | undefined) ?? 0) + 1;
      const w = (1 + gamma) / (t + gamma);
      const old = (state.avg as StateTree | undefined) ?? {};
      const avg: StateTree = { ...old };
      for (const [n, un] of Object.entries(u)) {
        const x = tf.add(ps[n]!, un);
        const prev = old[n] as tf.Tensor | undefined;
        avg[n] = prev ? tf.add(tf.mul(prev, 1 - w), tf.mul(x, w)) : x;
      }
      return [u as TensorRecord, { averager: 1, t, avg, inner: s }];
    },
  };
}

function averagerNodes(s: StateTree, out: StateTree[] = []): StateTree[] {
  if (s.averager === 1 && s.avg) out.push(s);
  for (const v of Object.values(s)) if (v && typeof v === 'object' && !(v instanceof tf.Tensor)) averagerNodes(v as StateTree, out);
  return out;
}

/**
 * An optimizer whose `eval()` swaps the variables to their average and
 * `train()` swaps them back (the trainer calls both around evaluation and
 * checkpoints, as for Schedule-Free). Stepping in eval mode throws.
 */
export class AveragingOptimizer extends TransformOptimizer {
  #saved: TensorRecord | undefined;

  eval(): void {
    if (this.#saved) return;
    const registered = tf.engine().registeredVariables;
    const saved: TensorRecord = {};
    for (const node of averagerNodes(this.state)) {
      for (const [n, a] of Object.entries(node.avg as StateTree)) {
        const v = registered[n];
        if (!v || !(a instanceof tf.Tensor)) continue;
        saved[n] = tf.keep(tf.clone(v));
        v.assign(a);
      }
    }
    this.#saved = saved;
  }

  train(): void {
    if (!this.#saved) return;
    const registered = tf.engine().registeredVariables;
    for (const [n, w] of Object.entries(this.#saved)) {
      registered[n]?.assign(w);
      w.dispose();
    }
    this.#saved = undefined;
  }

  protected override step(grads: TensorRecord, vars: Record<string, tf.Variable>): void {
    if (this.#saved) throw new Error(`${this.label}: step in eval mode (averaged weights loaded); call optimizer.train() first.`);
    super.step(grads, vars);
  }

  /** In eval mode the training weights set aside by `eval()` are saved too (`<name>/#s:__saved`). */
  override getWeightsSync(): NamedTensor[] {
    const out = super.getWeightsSync();
    if (this.#saved) {
      for (const [n, w] of Object.entries(this.#saved)) out.push({ name: `${n}/#s:__saved`, tensor: w });
    }
    return out;
  }

  override setWeightsSync(weightValues: NamedTensor[]): void {
    const saved = weightValues.filter((w) => w.name.endsWith('/#s:__saved'));
    super.setWeightsSync(weightValues.filter((w) => !w.name.endsWith('/#s:__saved')));
    if (this.#saved) tf.dispose(Object.values(this.#saved));
    this.#saved = saved.length
      ? Object.fromEntries(saved.map((w) => [w.name.slice(0, -'/#s:__saved'.length), tf.keep(tf.clone(w.tensor))]))
      : undefined;
  }

  override dispose(): void {
    if (this.#saved) tf.dispose(Object.values(this.#saved));
    this.#saved = undefined;
    super.dispose();
  }
}

/**
 * Polynomial-decay averager around any base optimizer (default `dog`, which
 * needs averaging for good results). `eval()` evaluates the average x̄.
 *
 * @see https://arxiv.org/abs/2302.12022
 */
export const { plugin: polyDecayAverager, Optimizer: PolyDecayAveragerOptimizer } = defineOptimizer({
  name: 'poly-decay-averager',
  className: 'Tessera.PolyDecayAverager',
  summary: 'Polynomial-decay iterate averaging around a base optimizer (default DoG); eval() swaps in the average.',
  paper: { title: "DoG is SGD's Best Friend: A Parameter-Free Dynamic Step Size Schedule", arxiv: '2302.12022', year: 2023 },
  params: z.strictObject({
    learningRate: learningRateField(1.0, "The base optimizer's learning rate."),
    gamma: z.number().min(0).default(8).describe('γ of the averaging weights (1+γ)/(t+γ).'),
    baseOptimizer: z.string().default('dog').describe('Registry name of the base optimizer.'),
    baseParams: z.record(z.string(), z.unknown()).default({}).describe('Hyperparameters of the base optimizer.'),
    paramGroups: paramGroupsField,
  }),
  base: AveragingOptimizer,
  build: (hp, ctx) => polyDecayAverage(buildBase(hp.baseOptimizer, { ...hp.baseParams, learningRate: 0 }, ctx, 'optimizer "poly-decay-averager"'), hp.gamma),
});

/**
 * Exponential moving average of the iterates after any inner transformation,
 * debiased as in Adam §7.2 (the `avg` node is what `eval()` loads).
 *
 * Notation: x_t parameters after step t, β decay.   a_t = βa_{t−1} + (1−β)x_t (a₀ = 0);  x̄_t = a_t/(1 − βᵗ)
 */
export function emaAverage(inner: GradientTransformation<any>, decay: number, debias: boolean): GradientTransformation {
  return {
    init: (params) => ({ averager: 1, t: 0, acc: {}, avg: {}, inner: inner.init(params) }),
    update(updates, state, params) {
      const ps = needParams(params, 'param-ema');
      const [u, s] = inner.update(updates, (state.inner as StateTree | undefined) ?? inner.init({}), params);
      const t = ((state.t as number | undefined) ?? 0) + 1;
      const oldAcc = (state.acc as StateTree | undefined) ?? {};
      const acc: StateTree = { ...oldAcc };
      const avg: StateTree = { ...((state.avg as StateTree | undefined) ?? {}) };
      const k = debias ? 1 / (1 - Math.pow(decay, t)) : 1;
      for (const [n, un] of Object.entries(u)) {
        const x = tf.add(ps[n]!, un);
        const prev = (oldAcc[n] as tf.Tensor | undefined) ?? tf.zerosLike(x);
        const a = tf.add(tf.mul(prev, decay), tf.mul(x, 1 - decay));
        acc[n] = a;
        avg[n] = tf.mul(a, k);
      }
      return [u as TensorRecord, { averager: 1, t, acc, avg, inner: s }];
    },
  };
}

/**
 * Parameter EMA around any base optimizer (Adam paper §7.2 "temporal
 * averaging"; the EMA weights of Polyak/Ruppert-style evaluation). `eval()`
 * swaps the debiased average into the variables, `train()` swaps back.
 *
 * Note: the step counter of the debiasing is global (one per optimizer step), so a variable
 * that starts late is debiased by the global count.
 *
 * @see https://arxiv.org/abs/1412.6980
 */
export const { plugin: paramEma, Optimizer: ParamEmaOptimizer } = defineOptimizer({
  name: 'param-ema',
  className: 'Tessera.ParamEMA',
  summary: 'Debiased exponential moving average of the weights around a base optimizer; eval() swaps it in.',
  paper: { title: 'Adam: A Method for Stochastic Optimization', arxiv: '1412.6980', year: 2014 },
  params: z.strictObject({
    learningRate: learningRateField(1e-3, "The base optimizer's learning rate."),
    decay: z.number().min(0).lt(1).default(0.999).describe('β of the average (Adam paper uses β2).'),
    debias: z.boolean().default(true).describe('Divide by 1 − βᵗ (zero-initialised average).'),
    baseOptimizer: z.string().default('adam').describe('Registry name of the base optimizer.'),
    baseParams: z.record(z.string(), z.unknown()).default({}).describe('Hyperparameters of the base optimizer.'),
    paramGroups: paramGroupsField,
  }),
  base: AveragingOptimizer,
  build: (hp, ctx) => emaAverage(buildBase(hp.baseOptimizer, { ...hp.baseParams, learningRate: 0 }, ctx, 'optimizer "param-ema"'), hp.decay, hp.debias),
});

import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { buildBase, defineOptimizer, learningRateField, paramGroupsField } from '../define-optimizer.js';
import { TransformOptimizer, type NamedTensor } from '../transform-optimizer.js';
import type { TensorRecord } from '../transform.js';

/**
 * The SAM / ASAM optimizer: `minimize(f)` evaluates `f` twice per step.
 *
 * Notation: w weights, g = ∇L(w), T = I (SAM) or diag(|w|) (ASAM), ρ radius.
 *
 *   ε̂ = ρ·T²g / (‖Tg‖ + 1e-12)     (‖·‖ global over every variable)
 *   g_SAM = ∇L(w + ε̂);  w ← base step from w with g_SAM
 *
 * The weights are restored bit-exactly (a copy, not w + ε̂ − ε̂) before the
 * base step, as davda54/sam does. Without a closure (`applyGradients`
 * alone, e.g. `model.fit`), calls alternate as optax's non-opaque `sam`: an
 * odd call moves to w + ε̂ with its gradient, the next call restores w and
 * applies the base step with the gradient taken at w + ε̂; only those calls
 * count as iterations. The weights set aside between the two calls are part of `getWeights()`.
 */
export class SamOptimizer extends TransformOptimizer {
  override readonly needsClosure: boolean = true;
  #pending: { saved: TensorRecord } | undefined;

  protected perturbation(grads: TensorRecord, vars: Record<string, tf.Variable>): TensorRecord {
    const rho = this.hyperparameters.rho as number;
    const adaptive = this.hyperparameters.adaptive as boolean;
    return tf.tidy(() => {
      const tg = Object.entries(grads).map(([n, g]) => (adaptive ? tf.mul(tf.abs(vars[n]!), g) : g));
      const norm = tf.sqrt(tg.length ? tf.addN(tg.map((x) => tf.sum(tf.square(x)))) : tf.scalar(0));
      const scale = tf.div(rho, tf.add(norm, 1e-12));
      const out: TensorRecord = {};
      for (const [n, g] of Object.entries(grads)) out[n] = tf.mul(adaptive ? tf.mul(tf.square(vars[n]!), g) : g, scale);
      return out;
    });
  }

  /** Moves to w + ε̂; returns copies of w. */
  protected ascend(grads: TensorRecord, vars: Record<string, tf.Variable>): TensorRecord {
    const e = this.perturbation(grads, vars);
    const saved: TensorRecord = {};
    for (const [n, v] of Object.entries(vars)) {
      if (!e[n]) continue;
      saved[n] = tf.keep(tf.clone(v));
      tf.tidy(() => v.assign(tf.add(v, e[n]!)));
    }
    tf.dispose(Object.values(e));
    return saved;
  }

  protected restore(saved: TensorRecord, vars: Record<string, tf.Variable>): void {
    for (const [n, w] of Object.entries(saved)) {
      vars[n]?.assign(w);
      w.dispose();
    }
  }

  override minimize(f: () => tf.Scalar, returnCost = false, varList?: tf.Variable[]): tf.Scalar | null {
    const first = this.computeGradients(f, varList);
    const vars = this.variablesOf(Object.keys(first.grads));
    const saved = this.ascend(first.grads, vars);
    tf.dispose(Object.values(first.grads));
    const second = this.computeGradients(f, varList);
    this.restore(saved, vars);
    this.step(this.toRecord(second.grads), vars);
    tf.dispose([second.value, ...Object.values(second.grads)]);
    if (returnCost) return first.value;
    first.value.dispose();
    return null;
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    const grads = this.toRecord(variableGradients);
    const vars = this.variablesOf(Object.keys(grads));
    if (!this.#pending) {
      this.#pending = { saved: this.ascend(grads, vars) };
      return;
    }
    this.restore(this.#pending.saved, vars);
    this.#pending = undefined;
    this.step(grads, vars);
  }

  /** Between the two calls of the alternating mode, the weights set aside are saved too (`<name>/#s:__samSaved`). */
  override getWeightsSync(): NamedTensor[] {
    const out = super.getWeightsSync();
    if (this.#pending) for (const [n, w] of Object.entries(this.#pending.saved)) out.push({ name: `${n}/#s:__samSaved`, tensor: w });
    return out;
  }

  override setWeightsSync(weightValues: NamedTensor[]): void {
    const saved = weightValues.filter((w) => w.name.endsWith('/#s:__samSaved'));
    super.setWeightsSync(weightValues.filter((w) => !w.name.endsWith('/#s:__samSaved')));
    if (this.#pending) tf.dispose(Object.values(this.#pending.saved));
    this.#pending = saved.length
      ? { saved: Object.fromEntries(saved.map((w) => [w.name.slice(0, -'/#s:__samSaved'.length), tf.keep(tf.clone(w.tensor))])) }
      : undefined;
  }

  override dispose(): void {
    if (this.#pending) tf.dispose(Object.values(this.#pending.saved));
    this.#pending = undefined;
    super.dispose();
  }
}

const samParams = (rho: number, adaptive: boolean) =>
  z.strictObject({
    learningRate: learningRateField(0.1, 'Learning rate η of the base optimizer.'),
    rho: z.number().min(0).default(rho).describe('Neighbourhood radius ρ.'),
    adaptive: z.boolean().default(adaptive).describe('ASAM: scale the perturbation by |w| (scale-invariant sharpness).'),
    baseOptimizer: z.string().default('sgd').describe('Registry name of the base optimizer.'),
    baseParams: z.record(z.string(), z.unknown()).default({ momentum: 0.9 }).describe("Hyperparameters of the base optimizer (its learningRate is this optimizer's)."),
    paramGroups: paramGroupsField,
  });

/**
 * Sharpness-Aware Minimization (davda54/sam `SAM`, adaptive = false): two
 * gradient evaluations per step through `minimize(f)`; any registered
 * optimizer as the base (default SGD with momentum 0.9, as in the paper's runs).
 *
 *   ε̂ = ρ·g/(‖g‖ + 1e-12);  w ← base(w, ∇L(w + ε̂))
 *
 * @see https://arxiv.org/abs/2010.01412
 */
export const { plugin: sam, Optimizer: SamOptimizerClass } = defineOptimizer({
  name: 'sam',
  className: 'Tessera.SAM',
  summary: 'Sharpness-Aware Minimization: the base step uses the gradient at w + ρ·g/‖g‖ (two evaluations per step).',
  paper: { title: 'Sharpness-Aware Minimization for Efficiently Improving Generalization', arxiv: '2010.01412', year: 2020 },
  params: samParams(0.05, false),
  base: SamOptimizer,
  build: (hp, ctx) => buildBase(hp.baseOptimizer, { ...hp.baseParams, learningRate: 0 }, ctx, 'optimizer "sam"'),
});

/**
 * Adaptive SAM (davda54/sam `SAM(adaptive=True)`): the perturbation is scaled
 * element-wise by |w|, making the sharpness measure scale-invariant.
 *
 *   ε̂ = ρ·w²⊙g/(‖|w|⊙g‖ + 1e-12);  w ← base(w, ∇L(w + ε̂))
 *
 * Default ρ = 2.0, the value davda54's README recommends for ASAM (≈10× SAM's).
 *
 * @see https://arxiv.org/abs/2102.11600
 */
export const { plugin: asam, Optimizer: AsamOptimizerClass } = defineOptimizer({
  name: 'asam',
  className: 'Tessera.ASAM',
  summary: 'Adaptive SAM: SAM with the perturbation scaled by |w| (scale-invariant sharpness).',
  paper: { title: 'ASAM: Adaptive Sharpness-Aware Minimization for Scale-Invariant Learning of Deep Neural Networks', arxiv: '2102.11600', year: 2021 },
  params: samParams(2.0, true),
  base: SamOptimizer,
  build: (hp, ctx) => buildBase(hp.baseOptimizer, { ...hp.baseParams, learningRate: 0 }, ctx, 'optimizer "asam"'),
});

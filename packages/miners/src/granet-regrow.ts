import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, z, type TrainerContext } from '@tessera/core';
import type { PruningCallback } from './gradual-magnitude-pruning.js';
import { PACKAGE } from './mining-utils.js';
import { WeightMasks, prunableParams } from './weight-masks.js';

/** GraNet's sparsity after optimizer step `t`, in pruning iterations `i = ⌊t/Δt⌋` (undefined outside `[i0, iN]`). */
export function granetSparsity(p: { initDensity: number; finalDensity: number; beginStep: number; endStep: number; frequency: number }, step: number): number | undefined {
  const i = Math.floor(step / p.frequency);
  const i0 = Math.floor(p.beginStep / p.frequency);
  const iN = Math.floor(p.endStep / p.frequency);
  if (i < i0 || i > iN || iN === i0) return undefined;
  const decay = (1 - (i - i0) / (iN - i0)) ** 3;
  return 1 - p.initDensity + (p.initDensity - p.finalDensity) * (1 - decay);
}

/** The death rate at step `t`: cosine annealing from `r0` to `etaMin` over `tMax` steps (`torch.optim.lr_scheduler.CosineAnnealingLR`). */
export function deathRate(p: { pruneRate: number; etaMin: number; tMax: number }, step: number): number {
  const t = Math.min(step, p.tMax);
  return p.etaMin + ((p.pruneRate - p.etaMin) * (1 + Math.cos((Math.PI * t) / p.tMax))) / 2;
}

/**
 * GraNet: gradual magnitude pruning with zero-cost neuroregeneration.
 *
 * Notation: step `t`, pruning iteration `i = ⌊t/Δt⌋` between `i0 = ⌊t0/Δt⌋`
 * and `iN = ⌊t_end/Δt⌋`, densities `d_i`, `d_f`, death rate `r_t`, dense
 * gradient `g` of the step's batch.
 * Every `Δt` steps from `t0` (after the optimizer update):
 * 1. Pruning (global magnitude, as GMP): sparsity
 *    `s = (1 − d_i) + (d_i − d_f)·(1 − (1 − (i − i0)/(iN − i0))³)` while `i ≤ iN`.
 * 2. Neuroregeneration, per layer: remove `n = ⌈r_t·nnz⌉` active weights of
 *    smallest `|w|`, then regrow the `n` inactive positions with the largest
 *    `|g|` (the just-removed ones are candidates, as in the code); regrown
 *    weights start at 0. Density is unchanged by this step.
 * `r_t = η_min + (r_0 − η_min)(1 + cos(π t/T_max))/2`.
 *
 * Notes: GraNet masks `|w| > threshold` with `threshold` the k-th largest
 * `|w|` (which keeps k − 1 weights, an off-by-one of the reference) and
 * re-masks SGD's momentum buffer only; here exactly `int(n·(1 − s))` weights
 * are kept, gradients are masked before the optimizer and every optimizer
 * slot is masked, so a pruned weight stays exactly zero under Adam too.
 * The initial mask is dense (dense-to-sparse); GraNet's sparse-to-sparse ERK
 * initialisation is not included.
 *
 * @see https://arxiv.org/abs/2106.10404
 */
export const granetRegrow = definePlugin({
  kind: 'callback',
  name: 'granet-regrow',
  aliases: ['granet'],
  summary: 'GraNet: gradual magnitude pruning plus zero-cost neuroregeneration (magnitude death, dense-gradient regrowth).',
  paper: { title: 'Sparse Training via Boosting Pruning Plasticity with Neuroregeneration', arxiv: '2106.10404', year: 2021 },
  package: PACKAGE,
  params: z
    .strictObject({
      initDensity: z.number().min(0).max(1).default(1).describe('Density d_i at the first pruning iteration (1: dense-to-sparse).'),
      finalDensity: z.number().min(0).max(1).default(0.05).describe('Density d_f reached at endStep (GraNet final-density 0.05).'),
      beginStep: z.number().int().min(0).max(1e9).default(0).describe('First pruning step t0 (GraNet init_prune_epoch × steps per epoch).'),
      endStep: z.number().int().min(1).max(1e9).default(1000).describe('Last pruning step t_end (GraNet final_prune_epoch × steps per epoch).'),
      frequency: z.number().int().min(1).max(1e9).default(100).describe('Δt between mask updates (GraNet update_frequency 100).'),
      pruneRate: z.number().min(0).max(1).default(0.5).describe('Initial death rate r_0 of neuroregeneration (GraNet prune_rate 0.5).'),
      etaMin: z.number().min(0).max(1).default(0.005).describe('Final death rate of the cosine decay (GraNet eta_min 0.005).'),
      tMax: z.number().int().min(1).max(1e9).default(1000).describe('Steps T_max of the death-rate cosine decay (GraNet: total training steps).'),
      ...prunableParams,
    })
    .refine((p) => p.endStep > p.beginStep, { message: 'endStep must be greater than beginStep', path: ['endStep'] }),
  create: (p, manifest): PruningCallback & { regrow(vars: readonly tf.Variable[], grads: tf.NamedTensorMap, rate: number): Promise<void> } => {
    const masks = new WeightMasks(p);
    let vars: tf.Variable[] = [];
    let dense: tf.NamedTensorMap | undefined;
    const isUpdate = (t: number) => t >= p.beginStep && t % p.frequency === 0;
    const regrow = async (list: readonly tf.Variable[], grads: tf.NamedTensorMap, rate: number) => {
      for (const v of list) {
        const g = grads[v.name];
        const mask = masks.masks.get(v.name);
        if (!g || !mask) continue;
        const count = tf.sum(mask);
        const nnz = (await count.data())[0]!;
        count.dispose();
        const n = Math.ceil(rate * nnz);
        if (n === 0) continue;
        // Death: the n smallest |w| among the active weights (masked ones rank first).
        masks.pruneCount([v], v.size - nnz + n);
        // Growth: the n inactive positions with the largest dense |g|.
        const grown = tf.tidy(() => {
          const m = masks.masks.get(v.name)!;
          const score = tf.reshape(tf.where(tf.greater(m, 0), tf.fill(v.shape, -1), tf.abs(g)), [-1]);
          const { indices } = tf.topk(score, n, true);
          const add = tf.scatterND(tf.reshape(indices, [n, 1]), tf.ones([n]), [v.size]);
          return tf.minimum(tf.add(m, tf.reshape(add, v.shape)), 1);
        });
        masks.set(v.name, grown);
      }
    };
    const update = async (ctx: TrainerContext) => {
      const t = ctx.step;
      const s = granetSparsity(p, t);
      if (s !== undefined) {
        const total = vars.reduce((a, v) => a + v.size, 0);
        const keep = Math.floor(total * (1 - s));
        masks.pruneCount(vars, total - keep);
      }
      if (dense) await regrow(vars, dense, deathRate(p, t));
      masks.applyToWeights(vars);
      await masks.maskOptimizer(ctx.optimizer, vars);
      const { pruned, total } = await masks.counts();
      ctx.log('sparsity', total ? pruned / total : 0);
    };
    return {
      manifest,
      masks,
      stateKey: 'callback:granet-regrow',
      regrow,
      sparsityAt: (step) => granetSparsity(p, step) ?? NaN,
      onTrainBegin(ctx) {
        vars = masks.ensure(ctx.model.trainableVariables as tf.Variable[]);
        masks.applyToWeights(vars);
      },
      afterBackward(ctx, grads) {
        // Keep the dense gradient of the step that ends on a mask update (GraNet grows from weight.grad).
        if (isUpdate(ctx.step + 1)) {
          tf.dispose(dense ? Object.values(dense) : []);
          dense = Object.fromEntries(vars.filter((v) => grads[v.name]).map((v) => [v.name, tf.keep(tf.clone(grads[v.name]!))]));
        }
        return masks.maskGradients(grads);
      },
      async afterStep(ctx) {
        masks.applyToWeights(vars);
        if (isUpdate(ctx.step)) await update(ctx);
        if (dense) {
          tf.dispose(Object.values(dense));
          dense = undefined;
        }
      },
      // Weights swapped in by a callback listed before this one (ema-swap) are masked too.
      onEvaluateBegin: () => masks.applyToWeights(vars),
      onTrainEnd: () => masks.applyToWeights(vars),
      getState: () => masks.getState(),
      setState: (state) => masks.setState(state),
    };
  },
});

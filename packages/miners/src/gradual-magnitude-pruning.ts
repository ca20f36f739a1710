import type * as tf from '@tensorflow/tfjs-core';
import { definePlugin, z, type Callback, type TrainerContext } from '@tessera/core';
import { PACKAGE } from './mining-utils.js';
import { WeightMasks, prunableParams } from './weight-masks.js';

export const gmpParams = z
  .strictObject({
    initialSparsity: z.number().min(0).max(1).default(0).describe('Sparsity s_i at beginStep (tfmot PolynomialDecay initial_sparsity).'),
    finalSparsity: z.number().min(0).max(1).default(0.9).describe('Sparsity s_f reached at endStep (tfmot final_sparsity).'),
    beginStep: z.number().int().min(0).max(1e9).default(0).describe('Optimizer step t0 of the first pruning (tfmot begin_step).'),
    endStep: z.number().int().min(1).max(1e9).default(1000).describe('Optimizer step at which s_f is reached; no pruning after it (tfmot end_step).'),
    frequency: z.number().int().min(1).max(1e9).default(100).describe('Prune every Δt steps (tfmot frequency, GraNet update_frequency = 100).'),
    power: z.number().min(0.1).max(10).default(3).describe('Exponent of the schedule (3: Zhu & Gupta cubic).'),
    scope: z.enum(['global', 'layer']).default('global').describe('Rank magnitudes over all prunable variables together (GraNet) or per variable (tfmot).'),
    ...prunableParams,
  })
  .refine((p) => p.endStep > p.beginStep, { message: 'endStep must be greater than beginStep', path: ['endStep'] });

/** `s(t) = s_f + (s_i − s_f)·(1 − clip((t − t0)/(t_end − t0), 0, 1))^power` (tfmot `PolynomialDecay`). */
export function polynomialSparsity(p: { initialSparsity: number; finalSparsity: number; beginStep: number; endStep: number; power: number }, step: number): number {
  const progress = Math.min(1, Math.max(0, (step - p.beginStep) / (p.endStep - p.beginStep)));
  return p.finalSparsity + (p.initialSparsity - p.finalSparsity) * (1 - progress) ** p.power;
}

/** A callback with its masks (for tests and for chaining). */
export interface PruningCallback extends Callback {
  readonly masks: WeightMasks;
  /** The scheduled sparsity after optimizer update `step`. */
  sparsityAt?(step: number): number;
}

/**
 * Gradual magnitude pruning with the cubic schedule (Zhu & Gupta).
 *
 * Notation: optimizer step `t` (updates applied), begin `t0`, end `t_end`,
 * frequency `Δt`, sparsities `s_i`, `s_f`, exponent `power` (3).
 * `s(t) = s_f + (s_i − s_f)(1 − (t − t0)/(t_end − t0))³`. After update `t`
 * with `t0 ≤ t ≤ t_end` and `(t − t0) mod Δt = 0` (and at the start of
 * training when `t0 = 0`), the `round(s(t)·n)` prunable weights of smallest
 * `|w|` are masked — over all prunable variables (`global`, GraNet) or per
 * variable (`layer`, tfmot). Masks only grow. Every step: masked gradients
 * are zeroed before the optimizer, masked weights are re-zeroed after it,
 * and at each pruning the optimizer's slots are masked, so a pruned weight
 * stays exactly zero under momentum or Adam. Masks are saved in checkpoints.
 *
 * Notes: tfmot masks `|w| ≥ threshold`, GraNet `|w| > threshold` (so a zero
 * threshold cannot keep everything); counting exactly `round(s·n)` weights
 * (as `torch.nn.utils.prune`) avoids both tie problems. Biases and norm gains
 * (rank < `minRank`) are never pruned; exclude the output layer by name.
 *
 * @see https://arxiv.org/abs/1710.01878 (To prune, or not to prune)
 * @see https://arxiv.org/abs/2106.10404 (GraNet, the GMP baseline)
 */
export const gradualMagnitudePruning = definePlugin({
  kind: 'callback',
  name: 'gradual-magnitude-pruning',
  aliases: ['gmp', 'gmp-cubic'],
  summary: 'Gradual magnitude pruning to a target sparsity on the cubic (Zhu & Gupta) schedule; masks kept exact under the optimizer.',
  paper: { title: 'To prune, or not to prune: exploring the efficacy of pruning for model compression', arxiv: '1710.01878', year: 2017 },
  package: PACKAGE,
  params: gmpParams,
  create: (p, manifest): PruningCallback => {
    const masks = new WeightMasks(p);
    let vars: tf.Variable[] = [];
    const prune = async (ctx: TrainerContext, step: number) => {
      const s = polynomialSparsity(p, step);
      masks.pruneToSparsity(vars, s, p.scope);
      masks.applyToWeights(vars);
      await masks.maskOptimizer(ctx.optimizer, vars);
      const { pruned, total } = await masks.counts();
      ctx.log('sparsity', total ? pruned / total : 0);
    };
    return {
      manifest,
      masks,
      sparsityAt: (step) => polynomialSparsity(p, step),
      stateKey: 'callback:gradual-magnitude-pruning',
      async onTrainBegin(ctx) {
        vars = masks.ensure(ctx.model.trainableVariables as tf.Variable[]);
        if (ctx.step === 0 && p.beginStep === 0 && p.initialSparsity > 0) await prune(ctx, 0);
        else {
          masks.applyToWeights(vars);
          await masks.maskOptimizer(ctx.optimizer, vars);
        }
      },
      afterBackward: (_ctx, grads) => masks.maskGradients(grads),
      async afterStep(ctx) {
        masks.applyToWeights(vars);
        const t = ctx.step;
        if (t >= p.beginStep && t <= p.endStep && (t - p.beginStep) % p.frequency === 0) await prune(ctx, t);
      },
      // Weights swapped in by a callback listed before this one (ema-swap) are masked too.
      onEvaluateBegin: () => masks.applyToWeights(vars),
      onTrainEnd: () => masks.applyToWeights(vars),
      getState: () => masks.getState(),
      setState: (state) => masks.setState(state),
    };
  },
});

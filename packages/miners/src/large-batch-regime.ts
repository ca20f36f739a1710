import { TesseraError, definePlugin, z, type Callback, type TrainerContext } from '@tessera/core';
import { PACKAGE } from './mining-utils.js';

const lrOf = (o: unknown): number | undefined => {
  const x = o as { getLearningRate?: () => number; learningRate?: number };
  return typeof x.getLearningRate === 'function' ? x.getLearningRate() : typeof x.learningRate === 'number' ? x.learningRate : undefined;
};

/** The large-batch settings derived from a small-batch recipe (Hoffer et al. 2017). */
export interface LargeBatchRegime {
  /** Learning-rate multiplier `sqrt(B_L/B_S)` (or `B_L/B_S`, or 1). */
  readonly lrMultiplier: number;
  /** Epochs `⌈E_S·B_L/B_S⌉`, so the number of updates is unchanged ("regime adaptation"). */
  readonly epochs: number;
  /** Ghost batch size for ghost batch norm: the small batch `B_S`. */
  readonly ghostBatchSize: number;
  /** Optimizer steps per epoch at the large batch for a dataset of `n` samples. */
  stepsPerEpoch(n: number): number;
}

/** `η_L = η_S·√(B_L/B_S)`, `E_L = E_S·B_L/B_S`, ghost batches of `B_S`. */
export function largeBatchRegime(p: { smallBatchSize: number; largeBatchSize: number; smallEpochs: number; lrScaling: 'sqrt' | 'linear' | 'none' }): LargeBatchRegime {
  const ratio = p.largeBatchSize / p.smallBatchSize;
  const lrMultiplier = p.lrScaling === 'sqrt' ? Math.sqrt(ratio) : p.lrScaling === 'linear' ? ratio : 1;
  return {
    lrMultiplier,
    epochs: Math.ceil(p.smallEpochs * ratio),
    ghostBatchSize: p.smallBatchSize,
    stepsPerEpoch: (n) => Math.ceil(n / p.largeBatchSize),
  };
}

/**
 * The large-batch regime of "Train longer, generalize better": when the batch
 * grows from `B_S` to `B_L`, scale the learning rate by `√(B_L/B_S)`, train
 * `B_L/B_S` times more epochs so the number of updates (and a step-based
 * schedule) is unchanged, and normalise with ghost batches of `B_S`
 * (`ghost-batch-norm` of `@tessera/normalization` with `virtualBatchSize = B_S`).
 *
 * The callback applies the learning-rate multiplier through the trainer's
 * overrides (`lrScale` on a schedule's value; `lr = lr₀·k` without a
 * schedule). {@link largeBatchRegime} (also `callback.regime`) returns the
 * epochs and ghost batch size to pass to `fit` and to the model.
 *
 * Notes: `linear` scaling (Goyal et al.) is offered for comparison. Another
 * callback that sets `lrScale` (reduce-on-plateau) overrides this one;
 * combine by putting this one last or fold the factor into the schedule.
 *
 * @see https://arxiv.org/abs/1705.08741
 */
export const largeBatchRegimeCallback = definePlugin({
  kind: 'callback',
  name: 'large-batch-regime',
  aliases: ['train-longer'],
  summary: 'Large-batch regime of Hoffer et al.: learning rate × √(B_L/B_S), B_L/B_S times more epochs, ghost batches of B_S.',
  paper: { title: 'Train longer, generalize better: closing the generalization gap in large batch training of neural networks', arxiv: '1705.08741', year: 2017 },
  package: PACKAGE,
  params: z
    .strictObject({
      smallBatchSize: z.number().int().min(1).max(1e7).default(128).describe('B_S of the small-batch recipe (and the ghost batch size; paper 128).'),
      largeBatchSize: z.number().int().min(1).max(1e9).default(4096).describe('B_L actually trained with.'),
      smallEpochs: z.number().int().min(0).max(1e6).default(0).describe('E_S of the small-batch recipe; regime.epochs = ⌈E_S·B_L/B_S⌉ is the epoch count to pass to fit.'),
      lrScaling: z.enum(['sqrt', 'linear', 'none']).default('sqrt').describe('Learning-rate scaling with the batch ratio: sqrt (the paper), linear (Goyal et al.), none.'),
    })
    .refine((p) => p.largeBatchSize >= p.smallBatchSize, { message: 'largeBatchSize must be ≥ smallBatchSize', path: ['largeBatchSize'] }),
  create: (p, manifest): Callback & { readonly regime: LargeBatchRegime } => {
    const regime = largeBatchRegime(p);
    let lr0: number | undefined;
    return {
      manifest,
      regime,
      onTrainBegin(ctx: TrainerContext) {
        lr0 ??= lrOf(ctx.optimizer);
        ctx.overrides.set('lrScale', regime.lrMultiplier);
        if (lr0 !== undefined) ctx.overrides.set('lr', lr0 * regime.lrMultiplier);
        else if (regime.lrMultiplier !== 1) throw new TesseraError(`callback "large-batch-regime": cannot read the optimizer's learning rate to scale it.`);
      },
      onTrainEnd(ctx: TrainerContext) {
        ctx.log('lr_multiplier', regime.lrMultiplier);
      },
    };
  },
});

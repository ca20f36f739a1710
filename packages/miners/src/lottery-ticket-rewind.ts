import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, z, type TrainerContext } from '@tessera/core';
import type { PruningCallback } from './gradual-magnitude-pruning.js';
import { PACKAGE } from './mining-utils.js';
import { WeightMasks, prunableParams } from './weight-masks.js';

/**
 * Zeroes an optimizer's state (a fresh optimizer for the next round): slot
 * variables of tfjs optimizers in place; a Tessera optimizer's whole state
 * (iteration count included) through `setWeights`.
 */
export async function resetOptimizerState(optimizer: tf.Optimizer): Promise<void> {
  const probe = tf.scalar(0);
  const firstNew = probe.id;
  probe.dispose();
  const weights = await optimizer.getWeights();
  const plain = weights.filter((w) => !(w.tensor instanceof tf.Variable));
  for (const w of weights) {
    const t = w.tensor;
    if (t instanceof tf.Variable) tf.tidy(() => t.assign(tf.zerosLike(t)));
  }
  // tfjs' own optimizers return only a fresh iteration count besides their variables; theirs is left alone.
  const tessera = plain.some((w) => w.name !== 'iter');
  if (tessera) {
    const zeros = weights.map((w) => ({ name: w.name, tensor: tf.zerosLike(w.tensor) }));
    await optimizer.setWeights(zeros);
    tf.dispose(zeros.map((z) => z.tensor));
  }
  tf.dispose(weights.map((w) => w.tensor).filter((t) => t.id > firstNew && !(t instanceof tf.Variable)));
}

/**
 * Iterative magnitude pruning with rewinding (the lottery ticket procedure).
 *
 * Notation: weights `θ`, mask `m`, rewind point `k` (optimizer step),
 * pruning rate `p`, round `r`.
 * 1. At step `k` keep a copy `θ_k` of all trainable (and state) variables
 *    (`k = 0`: the original initialisation, LTH; `k > 0`: rewinding, Frankle
 *    et al. 2020).
 * 2. Train with `m ⊙ θ` (masked gradients, weights re-zeroed after every step).
 * 3. End of a round: prune `⌈p · remaining⌉` of the remaining prunable
 *    weights with the smallest `|θ_T|` (global across layers, as open_lth's
 *    `sparse_global`, or per layer); set `θ ← m ⊙ θ_k` and reset the
 *    optimizer state. After `R` rounds the sparsity is `≈ 1 − (1 − p)^R`.
 *
 * Rounds: with `roundSteps = null` (default) each `fit()` call is one round —
 * the next `fit()` prunes and rewinds before it starts, and gets a fresh step
 * count, learning-rate schedule and optimizer (pass the optimizer by name).
 * With `roundSteps = T` a round ends every `T` steps inside one fit; the
 * optimizer state is zeroed but the trainer's schedule keeps running (core
 * has no per-round step offset).
 *
 * @see https://arxiv.org/abs/1803.03635 (The Lottery Ticket Hypothesis)
 * @see https://arxiv.org/abs/1903.01611 (Stabilizing the Lottery Ticket Hypothesis: rewinding)
 */
export const lotteryTicketRewind = definePlugin({
  kind: 'callback',
  name: 'lottery-ticket-rewind',
  aliases: ['imp-rewind', 'iterative-magnitude-pruning'],
  summary: 'Iterative magnitude pruning: train, prune p of the remaining weights, rewind the rest to step k, repeat.',
  paper: { title: 'The Lottery Ticket Hypothesis: Finding Sparse, Trainable Neural Networks', arxiv: '1803.03635', year: 2019 },
  package: PACKAGE,
  params: z.strictObject({
    pruneRate: z.number().gt(0).lt(1).default(0.2).describe('Fraction p of the remaining weights pruned per round (open_lth sparse_global 0.2).'),
    rewindStep: z.number().int().min(0).max(1e9).default(0).describe('Optimizer step k whose weights are restored after pruning (0: the initialisation, LTH).'),
    roundSteps: z.number().int().min(1).max(1e9).nullable().default(null).describe('Steps per round inside one fit; null: one round per fit() call.'),
    scope: z.enum(['global', 'layer']).default('global').describe('Rank magnitudes over all prunable variables (open_lth sparse_global) or per variable (LTH layer-wise).'),
    ...prunableParams,
  }),
  create: (p, manifest): PruningCallback & { readonly rounds: number; snapshot(): readonly tf.Tensor[] } => {
    const masks = new WeightMasks(p);
    let vars: tf.Variable[] = [];
    let all: tf.Variable[] = [];
    let theta: tf.Tensor[] = [];
    let rounds = 0;
    let pendingRound = false;
    const snapshotNow = () => {
      tf.dispose(theta);
      theta = all.map((v) => tf.clone(v));
    };
    const endRound = async (ctx: TrainerContext) => {
      const groups = p.scope === 'global' ? [vars] : vars.map((v) => [v]);
      for (const group of groups) {
        const size = group.reduce((n, v) => n + v.size, 0);
        const keptT = tf.tidy(() => tf.addN(group.map((v) => tf.sum(masks.masks.get(v.name)!))));
        const kept = (await keptT.data())[0]!;
        keptT.dispose();
        // Already-pruned weights rank first, so this prunes ⌈p·kept⌉ new ones (masks only grow).
        masks.pruneCount(group, size - kept + Math.ceil(p.pruneRate * kept));
      }
      if (theta.length === all.length) all.forEach((v, i) => v.assign(theta[i]!));
      masks.applyToWeights(vars);
      await resetOptimizerState(ctx.optimizer);
      rounds += 1;
      const { pruned, total } = await masks.counts();
      ctx.log('sparsity', total ? pruned / total : 0);
    };
    return {
      manifest,
      masks,
      stateKey: 'callback:lottery-ticket-rewind',
      get rounds() {
        return rounds;
      },
      snapshot: () => theta,
      async onTrainBegin(ctx) {
        vars = masks.ensure(ctx.model.trainableVariables as tf.Variable[]);
        all = [...(ctx.model.trainableVariables as tf.Variable[]), ...((ctx.model.stateVariables ?? []) as tf.Variable[])];
        if (pendingRound && p.roundSteps === null) {
          pendingRound = false;
          await endRound(ctx);
        }
        if (theta.length === 0 && ctx.step === p.rewindStep) snapshotNow();
        masks.applyToWeights(vars);
      },
      afterBackward: (_ctx, grads) => masks.maskGradients(grads),
      async afterStep(ctx) {
        masks.applyToWeights(vars);
        if (theta.length === 0 && ctx.step === p.rewindStep) snapshotNow();
        if (p.roundSteps !== null && ctx.step % p.roundSteps === 0) await endRound(ctx);
      },
      // Weights swapped in by a callback listed before this one (ema-swap) are masked too.
      onEvaluateBegin: () => masks.applyToWeights(vars),
      onTrainEnd() {
        masks.applyToWeights(vars);
        if (p.roundSteps === null) pendingRound = true;
      },
      getState() {
        const out: Record<string, tf.Tensor> = { ...masks.getState() };
        theta.forEach((t, i) => (out[`theta/${i}`] = t));
        return out;
      },
      setState(state) {
        const thetaKeys = Object.keys(state).filter((k) => k.startsWith('theta/')).sort((a, b) => Number(a.slice(6)) - Number(b.slice(6)));
        const maskState = Object.fromEntries(Object.entries(state).filter(([k]) => !k.startsWith('theta/')));
        masks.setState(maskState);
        if (thetaKeys.length) {
          tf.dispose(theta);
          theta = thetaKeys.map((k) => tf.clone(state[k]!));
        }
      },
    };
  },
});

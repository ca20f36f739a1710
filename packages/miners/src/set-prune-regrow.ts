import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, z, type TrainerContext } from '@tessera/core';
import type { PruningCallback } from './gradual-magnitude-pruning.js';
import { PACKAGE } from './mining-utils.js';
import { WeightMasks, prunableParams, roundHalfEven } from './weight-masks.js';

/** Erdős–Rényi density of a `[n_in, …, n_out]` weight: `min(1, ε(n_in + n_out)/(n_in·n_out))` (fan-in = all but the last axis). */
export function erdosRenyiDensity(shape: readonly number[], epsilon: number): number {
  const nOut = shape[shape.length - 1]!;
  const nIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  return Math.min(1, (epsilon * (nIn + nOut)) / (nIn * nOut));
}

/**
 * Sparse Evolutionary Training (SET): a fixed-density sparse network whose
 * connections are pruned and regrown at random every epoch.
 *
 * Notation: a prunable weight with fan-in `n_in` and fan-out `n_out`,
 * sparsity level `ε`, prune fraction `ζ`.
 * At train begin each layer gets a random mask of density
 * `min(1, ε(n_in + n_out)/(n_in·n_out))` (Erdős–Rényi). At the end of every
 * epoch, in each layer: remove the `round(ζ·nnz)` active weights closest to
 * zero, then activate as many inactive positions chosen uniformly at random
 * (seeded), initialised from `N(0, regrowStd²)`. Density stays constant.
 * Masks, masked gradients and optimizer slots are handled as for the other
 * pruning callbacks; masks are saved in checkpoints.
 *
 * Notes: the original SET removes the ζ smallest positive and the ζ largest
 * negative weights separately; this removes by magnitude (the common
 * implementation, e.g. in sparselearning). Regrowth may pick a position
 * removed in the same step (as GraNet's code).
 *
 * @see https://arxiv.org/abs/1707.04780 (SET); QuickSelection: https://arxiv.org/abs/2012.00560
 */
export const setPruneRegrow = definePlugin({
  kind: 'callback',
  name: 'set-prune-regrow',
  aliases: ['set'],
  summary: 'Sparse Evolutionary Training: Erdős–Rényi sparse masks; each epoch remove ζ of the smallest weights and regrow as many at random.',
  paper: { title: 'Scalable Training of Artificial Neural Networks with Adaptive Sparse Connectivity inspired by Network Science', arxiv: '1707.04780', year: 2018 },
  package: PACKAGE,
  params: z.strictObject({
    epsilon: z.number().positive().max(1e6).default(20).describe('Sparsity level ε of the Erdős–Rényi initial density (SET 20).'),
    zeta: z.number().min(0).max(1).default(0.3).describe('Fraction ζ of each layer\'s active weights removed and regrown per epoch (SET 0.3).'),
    regrowStd: z.number().min(0).max(10).default(0.01).describe('Standard deviation of the regrown weights\' initial values.'),
    seed: z.number().int().min(0).max(2 ** 31).default(0).describe('Seed of the random masks and regrowth.'),
    ...prunableParams,
  }),
  create: (p, manifest): PruningCallback & { evolve(vars: readonly tf.Variable[], epoch: number): Promise<void> } => {
    const masks = new WeightMasks(p);
    let vars: tf.Variable[] = [];
    let draws = 0;
    const seedOf = () => p.seed * 7919 + ++draws;
    const randomMask = (v: tf.Variable, active: number) =>
      tf.tidy(() => {
        const { indices } = tf.topk(tf.randomUniform([v.size], 0, 1, 'float32', seedOf()), active, true);
        return tf.reshape(tf.scatterND(tf.reshape(indices, [active, 1]), tf.ones([active]), [v.size]), v.shape);
      });
    const evolve = async (list: readonly tf.Variable[]) => {
      for (const v of list) {
        const mask = masks.masks.get(v.name);
        if (!mask) continue;
        const count = tf.sum(mask);
        const nnz = (await count.data())[0]!;
        count.dispose();
        const n = roundHalfEven(p.zeta * nnz);
        if (n === 0) continue;
        masks.pruneCount([v], v.size - nnz + n);
        const [grown, fresh] = tf.tidy(() => {
          const m = masks.masks.get(v.name)!;
          const score = tf.reshape(tf.where(tf.greater(m, 0), tf.fill(v.shape, -1), tf.randomUniform(v.shape, 0, 1, 'float32', seedOf())), [-1]);
          const { indices } = tf.topk(score, n, true);
          const add = tf.reshape(tf.scatterND(tf.reshape(indices, [n, 1]), tf.ones([n]), [v.size]), v.shape);
          const init = tf.mul(tf.randomNormal(v.shape, 0, p.regrowStd, 'float32', seedOf()), add);
          return [tf.minimum(tf.add(m, add), 1), tf.add(tf.mul(v, m), init)];
        });
        masks.set(v.name, grown);
        v.assign(fresh);
        fresh.dispose();
      }
    };
    return {
      manifest,
      masks,
      stateKey: 'callback:set-prune-regrow',
      evolve: (list) => evolve(list),
      async onTrainBegin(ctx: TrainerContext) {
        const fresh = masks.prunable(ctx.model.trainableVariables as tf.Variable[]).filter((v) => !masks.masks.has(v.name));
        vars = masks.ensure(ctx.model.trainableVariables as tf.Variable[]);
        for (const v of fresh) masks.set(v.name, randomMask(v, Math.max(1, roundHalfEven(erdosRenyiDensity(v.shape, p.epsilon) * v.size))));
        masks.applyToWeights(vars);
        await masks.maskOptimizer(ctx.optimizer, vars);
      },
      afterBackward: (_ctx, grads) => masks.maskGradients(grads),
      afterStep() {
        masks.applyToWeights(vars);
      },
      async onEpochEnd(ctx: TrainerContext) {
        await evolve(vars);
        await masks.maskOptimizer(ctx.optimizer, vars);
        const { pruned, total } = await masks.counts();
        ctx.log('sparsity', total ? pruned / total : 0);
      },
      onEvaluateBegin: () => masks.applyToWeights(vars),
      onTrainEnd: () => masks.applyToWeights(vars),
      getState: () => masks.getState(),
      setState: (state) => masks.setState(state),
    };
  },
});

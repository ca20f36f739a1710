import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, definePlugin, z, type LossInputs, type Miner } from '@tessera/core';
import { minedOutput } from './mined-output.js';
import { MASKED, PACKAGE, anchorsOf, detached, eyeBool, groupIds, normalizedL2Matrix, sameGroup } from './mining-utils.js';

/** `[N, N]` distances of pytorch-metric-learning's default `LpDistance` (p = 2, power 1), optionally on raw embeddings. */
export function distanceMatrix(x: tf.Tensor2D, normalize: boolean): tf.Tensor2D {
  if (normalize) return normalizedL2Matrix(x, x);
  const sq = tf.sum(tf.square(x), 1);
  const d2 = tf.sub(tf.add(tf.expandDims(sq, 1), tf.expandDims(sq, 0)), tf.mul(2, tf.matMul(x, tf.transpose(x))));
  return tf.sqrt(tf.maximum(d2, 0)) as tf.Tensor2D;
}

/** Labels of a labelled batch; the error says what a label-based miner needs. */
export function requireGroups(inputs: LossInputs, label: string, n: number): tf.Tensor1D {
  const y = groupIds(inputs, label, n);
  if (!y) throw new ShapeError(`${label}: missing input "labels" [N] int32 (or "groupIds"): a label-based miner needs the class of every embedding.`);
  return y;
}

/**
 * `[N]` hardest positive (farthest same-label sample, `j ≠ i`) of each anchor
 * and whether the anchor has one, from distances `dist [N, N]`.
 */
export function hardestPositive(dist: tf.Tensor2D, same: tf.Tensor2D): { index: tf.Tensor1D; has: tf.Tensor1D } {
  const n = dist.shape[0];
  const pos = tf.logicalAnd(same, tf.logicalNot(eyeBool(n)));
  const score = tf.where(pos, dist, tf.fill([n, n], MASKED));
  return { index: tf.cast(tf.argMax(score, 1), 'int32') as tf.Tensor1D, has: tf.any(pos, 1) as tf.Tensor1D };
}

/**
 * Batch-hard miner (pytorch-metric-learning `BatchHardMiner`).
 *
 * Notation: embeddings `x_i` with labels `y_i`, distance `d_ij` (L2 between
 * L2-normalised embeddings, PML's default `LpDistance`).
 * For each anchor `i`: hardest positive `P(i) = argmax_{j≠i, y_j=y_i} d_ij`,
 * hardest negative `Q(i) = argmin_{y_j≠y_i} d_ij`. Anchors without a positive
 * or without a negative are dropped (PML removes them; here they get weight 0,
 * so shapes stay static).
 *
 * Output fields: `positives [N, D] = x_P(i)`, `negatives [N, 1, D] = x_Q(i)`
 * (gradient flows into the selected rows), `positiveIndices [N]`,
 * `negativeIndices [N, 1]`, `negativeMask [N, 1]`, `weights [N]`. Feed them
 * to `triplet-margin` (or any loss on `embeddings`/`positives`/`negatives`).
 *
 * @see https://arxiv.org/abs/1703.07737 (In Defense of the Triplet Loss for Person Re-Identification)
 */
export const batchHard = definePlugin({
  kind: 'miner',
  name: 'batch-hard',
  summary: 'Hardest positive and hardest negative of every anchor in a labelled batch (pytorch-metric-learning BatchHardMiner).',
  paper: { title: 'In Defense of the Triplet Loss for Person Re-Identification', arxiv: '1703.07737', year: 2017 },
  package: PACKAGE,
  params: z.strictObject({
    normalizeEmbeddings: z.boolean().default(true).describe('L2-normalise embeddings before the distance (PML LpDistance default true).'),
  }),
  create: (p, manifest): Miner => {
    const label = 'miner "batch-hard"';
    return {
      manifest,
      mine(inputs: LossInputs): LossInputs {
        return tf.tidy(() => {
          const x = anchorsOf(inputs, label);
          const n = x.shape[0];
          const y = requireGroups(inputs, label, n);
          const sel = detached([x], (e) => {
            const dist = distanceMatrix(e as tf.Tensor2D, p.normalizeEmbeddings);
            const same = sameGroup(y);
            const { index: pi, has: hasPos } = hardestPositive(dist, same);
            const diff = tf.logicalNot(same);
            const ni = tf.cast(tf.argMax(tf.where(diff, tf.neg(dist), tf.fill([n, n], MASKED)), 1), 'int32');
            const ok = tf.cast(tf.logicalAnd(hasPos, tf.any(diff, 1)), 'int32');
            return tf.stack([pi, ni, ok]);
          });
          const [pi, ni, ok] = tf.unstack(sel) as [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
          const valid = tf.expandDims(tf.cast(ok, 'bool'), 1) as tf.Tensor2D;
          return minedOutput(inputs, label, x, tf.expandDims(ni, 1) as tf.Tensor2D, valid, true, {
            positives: tf.gather(x, pi),
            positiveIndices: pi,
          });
        }) as LossInputs;
      },
    };
  },
});

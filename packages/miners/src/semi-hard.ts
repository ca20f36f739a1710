import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, z, type LossInputs, type Miner } from '@tessera/core';
import { distanceMatrix, hardestPositive, requireGroups } from './batch-hard.js';
import { minedOutput } from './mined-output.js';
import { PACKAGE, anchorsOf, detached, maskedTopK, sameGroup } from './mining-utils.js';

/**
 * Semi-hard negative miner (FaceNet's rule, with pytorch-metric-learning's
 * `TripletMarginMiner(type_of_triplets="semihard")` condition).
 *
 * Notation: embeddings `x_i`, labels `y_i`, distance `d_ij` (L2 between
 * L2-normalised embeddings), margin `m`. For each anchor `i`, positive
 * `P(i)` = the hardest positive (farthest same-label sample); a negative `j`
 * (`y_j ≠ y_i`) is semi-hard when `0 < d_ij − d_iP(i) ≤ m` (PML's condition:
 * farther than the positive, inside the margin). The `K = numNegatives`
 * semi-hard negatives nearest to the anchor are kept. Anchors with no
 * positive or fewer than K semi-hard negatives get weight 0.
 *
 * Notes: PML returns every semi-hard triplet `(i, j, k)` (a ragged list);
 * here each anchor gets a fixed K so that shapes stay static (no host read).
 * The triplets returned are a subset of PML's set.
 *
 * @see https://arxiv.org/abs/1503.03832 (FaceNet, §3.2)
 */
export const semiHard = definePlugin({
  kind: 'miner',
  name: 'semi-hard',
  aliases: ['semihard'],
  summary: 'Nearest negatives farther than the positive but inside the margin (FaceNet semi-hard; PML TripletMarginMiner condition).',
  paper: { title: 'FaceNet: A Unified Embedding for Face Recognition and Clustering', arxiv: '1503.03832', year: 2015 },
  package: PACKAGE,
  params: z.strictObject({
    margin: z.number().min(0).max(10).default(0.2).describe('Margin m of the semi-hard band 0 < d_an − d_ap ≤ m (PML TripletMarginMiner default 0.2).'),
    numNegatives: z.number().int().min(1).max(1024).default(1).describe('Semi-hard negatives K kept per anchor (nearest first).'),
    normalizeEmbeddings: z.boolean().default(true).describe('L2-normalise embeddings before the distance (PML LpDistance default true).'),
  }),
  create: (p, manifest): Miner => {
    const label = 'miner "semi-hard"';
    return {
      manifest,
      mine(inputs: LossInputs): LossInputs {
        return tf.tidy(() => {
          const x = anchorsOf(inputs, label);
          const n = x.shape[0];
          const y = requireGroups(inputs, label, n);
          const k = Math.min(p.numNegatives, Math.max(n, 1));
          const sel = detached([x], (e) => {
            const dist = distanceMatrix(e as tf.Tensor2D, p.normalizeEmbeddings);
            const same = sameGroup(y);
            const { index: pi, has } = hardestPositive(dist, same);
            const dap = tf.expandDims(tf.sum(tf.mul(dist, tf.oneHot(pi, n)), 1), 1);
            const gap = tf.sub(dist, dap);
            const band = tf.logicalAnd(tf.logicalNot(same), tf.logicalAnd(tf.greater(gap, 0), tf.lessEqual(gap, p.margin)));
            const keep = tf.logicalAnd(band, tf.expandDims(has, 1));
            const { indices, valid } = maskedTopK(tf.neg(dist) as tf.Tensor2D, keep, k);
            return tf.concat([tf.expandDims(pi, 1), indices, tf.cast(valid, 'int32')], 1);
          });
          const pi = tf.squeeze(tf.slice(sel, [0, 0], [n, 1]), [1]) as tf.Tensor1D;
          const ni = tf.slice(sel, [0, 1], [n, k]) as tf.Tensor2D;
          const valid = tf.cast(tf.slice(sel, [0, 1 + k], [n, k]), 'bool') as tf.Tensor2D;
          return minedOutput(inputs, label, x, tf.where(valid, ni, tf.zerosLike(ni)) as tf.Tensor2D, valid, true, {
            positives: tf.gather(x, pi),
            positiveIndices: pi,
          });
        }) as LossInputs;
      },
    };
  },
});

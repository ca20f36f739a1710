import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, z, type LossInputs, type Miner } from '@tessera/core';
import { candidatePool, topSurvivors } from './candidate-pool.js';
import { minedOutput } from './mined-output.js';
import { MASKED, PACKAGE, cosineMatrix, detached } from './mining-utils.js';

const nullableNumber = (min: number, max: number) => z.number().min(min).max(max).nullable();

export const hardNegativeParams = z.strictObject({
  numNegatives: z.number().int().min(1).max(1024).default(3).describe('Negatives K mined per anchor (sentence-transformers num_negatives = 3).'),
  rangeMin: z.number().int().min(0).max(1e6).default(0).describe('Skip the rangeMin most similar candidates that survive the filters (range_min).'),
  rangeMax: z.number().int().min(1).max(1e6).nullable().default(null).describe('Only the rangeMax highest-scoring non-positive candidates are considered, before the filters (range_max); null: no window.'),
  maxScore: nullableNumber(-1, 1).default(null).describe('Drop candidates with cosine > maxScore (max_score); null: off.'),
  minScore: nullableNumber(-1, 1).default(null).describe('Drop candidates with cosine < minScore (min_score); null: off.'),
  absoluteMargin: nullableNumber(-2, 2).default(null).describe('False-negative filter: drop candidates with s(a,c) + absoluteMargin > s(a,p); null: off.'),
  relativeMargin: nullableNumber(0, 1).default(null).describe('False-negative filter: drop candidates with s(a,c) > s(a,p)·(1 − relativeMargin); null: off.'),
  inBatch: z.boolean().default(true).describe('Use the other rows\' positives of the batch as candidates (besides the given negatives).'),
  dropIncomplete: z.boolean().default(true).describe('Weight 0 for anchors that found fewer than numNegatives negatives (sentence-transformers drops such queries).'),
});

/**
 * Top-k hard negatives with a false-negative margin, per batch.
 *
 * Notation: anchors `a_i`, positives `p_i` (`[N, D]`), candidate pool `C`
 * (the other rows' positives and the given candidate negatives
 * `negatives [N, Kc, D]`, flattened), cosine `s(·,·)`.
 * A candidate `c` is a negative of `a_i` unless it is `p_i`, shares `a_i`'s
 * group (`labels` / `groupIds`), duplicates `p_i` (these play the role of
 * sentence-transformers' positives), is not among the `rangeMax` highest
 * raw scores of the remaining candidates, or fails a filter:
 * `s(a_i,c) + m_abs > s(a_i,p_i)`, `s(a_i,c) > s(a_i,p_i)·(1 − m_rel)`,
 * `s(a_i,c) > maxScore`, `s(a_i,c) < minScore`. The survivors are ranked by
 * `s(a_i, c)` (descending), the first `rangeMin` are skipped and the next
 * `K = numNegatives` become `negatives [N, K, D]` (sampling "top") — the
 * order of `util.mine_hard_negatives` (window, filters, then `[range_min:]`).
 *
 * Output fields: `negatives [N, K, D]` (replaces the candidates; gradient
 * flows into the selected rows), `negativeMask [N, K]`, `negativeIndices
 * [N, K]` (into the pool), `weights [N]` (0 for incomplete rows).
 *
 * Notes: sentence-transformers' `util.mine_hard_negatives` mines offline over
 * a corpus; this miner applies the same filters online, over the batch and its
 * candidates. Its margin keywords changed across versions (`margin` →
 * `absolute_margin`/`relative_margin`); both filters are here. With
 * `range_max=None` sentence-transformers picks `range_min + 10·K + max_positives`
 * (with filters) or `range_min + K + max_positives`; here `null` means no
 * window. Selection runs outside the gradient tape.
 *
 * @see https://arxiv.org/abs/2104.08051 (Optimizing Dense Retrieval Model Training with Hard Negatives)
 * @see https://sbert.net/docs/package_reference/util.html#sentence_transformers.util.mine_hard_negatives
 */
export const hardNegative = definePlugin({
  kind: 'miner',
  name: 'hard-negative',
  aliases: ['top-k-hard-negative', 'static-hn-miner'],
  summary: 'Top-k hardest in-batch and candidate negatives per anchor, with a false-negative margin (sentence-transformers filters).',
  paper: { title: 'Optimizing Dense Retrieval Model Training with Hard Negatives', arxiv: '2104.08051', year: 2021 },
  package: PACKAGE,
  params: hardNegativeParams,
  create: (p, manifest): Miner => {
    const label = 'miner "hard-negative"';
    if (p.rangeMax !== null && p.rangeMax <= p.rangeMin) throw new RangeError(`${label}: rangeMax (${p.rangeMax}) must be greater than rangeMin (${p.rangeMin}).`);
    return {
      manifest,
      mine(inputs: LossInputs): LossInputs {
        return tf.tidy(() => {
          const pool = candidatePool(inputs, label, { inBatch: p.inBatch, includeAnchors: false });
          const kept = detached([pool.a, pool.p, pool.pool], (a, pos, c) => {
            const scores = cosineMatrix(a!, c!);
            const posScore = tf.sum(tf.mul(cosineMatrix(a!, pos!), tf.eye(pool.n)), 1, true);
            let keep: tf.Tensor = tf.logicalNot(pool.exclude);
            if (p.rangeMax !== null) {
              // range_max is a window on the raw ranking of the non-positive candidates, taken before the score filters.
              const m = scores.shape[1]!;
              const k = Math.min(p.rangeMax, m);
              const { indices: top } = tf.topk(tf.where(keep, scores, tf.fill(scores.shape, MASKED)), k, true);
              const rows = tf.tile(tf.expandDims(tf.range(0, pool.n, 1, 'int32'), 1), [1, k]);
              const coords = tf.stack([tf.reshape(rows, [-1]), tf.reshape(top, [-1])], 1);
              const inWindow = tf.greater(tf.scatterND(coords, tf.ones([pool.n * k]), [pool.n, m]), 0);
              keep = tf.logicalAnd(keep, inWindow);
            }
            // sentence-transformers' forms: removed if s + m_abs > s_pos, s > s_pos·(1 − m_rel), s > maxScore, s < minScore.
            if (p.absoluteMargin !== null) keep = tf.logicalAnd(keep, tf.logicalNot(tf.greater(tf.add(scores, p.absoluteMargin), posScore)));
            if (p.relativeMargin !== null) keep = tf.logicalAnd(keep, tf.logicalNot(tf.greater(scores, tf.mul(posScore, 1 - p.relativeMargin))));
            if (p.maxScore !== null) keep = tf.logicalAnd(keep, tf.logicalNot(tf.greater(scores, p.maxScore)));
            if (p.minScore !== null) keep = tf.logicalAnd(keep, tf.logicalNot(tf.less(scores, p.minScore)));
            const { indices, valid } = topSurvivors(scores, keep as tf.Tensor2D, p.numNegatives, p.rangeMin, null);
            return tf.stack([indices, tf.cast(valid, 'int32')]);
          });
          const [indices, valid] = tf.unstack(kept) as [tf.Tensor2D, tf.Tensor2D];
          return minedOutput(inputs, label, pool.pool, indices, tf.cast(valid, 'bool') as tf.Tensor2D, p.dropIncomplete);
        }) as LossInputs;
      },
    };
  },
});

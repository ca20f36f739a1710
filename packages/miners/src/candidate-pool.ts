import * as tf from '@tensorflow/tfjs-core';
import { checkDim, optionalInput, requireInput, type LossInputs } from '@tessera/core';
import { MASKED, anchorsOf, cosineMatrix, eyeBool, groupIds, sameGroup } from './mining-utils.js';

/**
 * The candidate negatives of a paired batch, shared by the top-k miners.
 *
 * Notation: anchors `a [N, D]`, their positives `p [N, D]`, optional candidate
 * negatives `n [N, Kc, D]`. The pool has `M` rows: the batch's positives
 * (`inBatch`), the batch's anchors (`includeAnchors`), then the `N·Kc`
 * candidates of every row, in that order. `exclude [N, M]` is true where a
 * pool entry can never be a negative of anchor `i`: its own positive `p_i`,
 * itself `a_i`, a row of the same group (`labels`/`groupIds`), or a
 * duplicate of `p_i` (cosine ≥ 1 − 1e-6).
 */
export interface CandidatePool {
  a: tf.Tensor2D;
  p: tf.Tensor2D;
  pool: tf.Tensor2D;
  exclude: tf.Tensor2D;
  n: number;
  /** Pool blocks (`'positives' | 'anchors' | 'negatives'`) with their start offsets. */
  blocks: { name: string; start: number; rows: number }[];
}

export function candidatePool(inputs: LossInputs, label: string, opts: { inBatch: boolean; includeAnchors: boolean }): CandidatePool {
  const a = anchorsOf(inputs, label);
  const [n, d] = a.shape;
  const p = requireInput(inputs, 'positives', label, { rank: 2, dtype: 'float32', shape: [n, d], describe: `[N, D] = [${n}, ${d}] float32` }) as tf.Tensor2D;
  const negRaw = optionalInput(inputs, 'negatives', label, { rank: [2, 3], dtype: 'float32', describe: `[N, Kc, D] candidate negatives with N = ${n}, D = ${d}` });
  if (negRaw) {
    checkDim(negRaw, 0, n, 'negatives', 'N', label);
    checkDim(negRaw, -1, d, 'negatives', 'D', label);
  }
  const y = groupIds(inputs, label, n);
  const parts: tf.Tensor2D[] = [];
  const excl: tf.Tensor[] = [];
  const blocks: CandidatePool['blocks'] = [];
  let start = 0;
  const eye = eyeBool(n);
  const same = y ? tf.logicalOr(sameGroup(y), eye) : eye;
  if (opts.inBatch) {
    parts.push(p);
    excl.push(same);
    blocks.push({ name: 'positives', start, rows: n });
    start += n;
  }
  if (opts.includeAnchors) {
    parts.push(a);
    excl.push(same);
    blocks.push({ name: 'anchors', start, rows: n });
    start += n;
  }
  if (negRaw) {
    const flat = tf.reshape(negRaw, [-1, d]) as tf.Tensor2D;
    parts.push(flat);
    excl.push(tf.zeros([n, flat.shape[0]], 'bool'));
    blocks.push({ name: 'negatives', start, rows: flat.shape[0] });
    start += flat.shape[0];
  }
  const pool = (parts.length === 1 ? parts[0]! : tf.concat(parts, 0)) as tf.Tensor2D;
  let exclude = (excl.length === 1 ? excl[0]! : tf.concat(excl, 1)) as tf.Tensor2D;
  if (start > 0) {
    // Duplicates of the anchor's own positive are not negatives (a false negative the batch cannot name).
    exclude = tf.logicalOr(exclude, tf.greaterEqual(cosineMatrix(p, pool), 1 - 1e-6)) as tf.Tensor2D;
  }
  return { a, p, pool, exclude, n, blocks };
}

/**
 * The first `k` survivors of each row, ranked by `scores [N, M]` (descending),
 * after skipping the `rangeMin` best survivors and never looking past rank
 * `rangeMax` (sentence-transformers `mine_hard_negatives`, `sampling_strategy="top"`).
 * Returns pool indices `[N, k]` and `valid [N, k]` (false past the survivors).
 */
export function topSurvivors(scores: tf.Tensor2D, keep: tf.Tensor2D, k: number, rangeMin: number, rangeMax: number | null): { indices: tf.Tensor2D; valid: tf.Tensor2D } {
  const [n, m] = scores.shape;
  const masked = tf.where(keep, scores, tf.fill([n, m], MASKED)) as tf.Tensor2D;
  const take = Math.min(m, rangeMin + k);
  if (m === 0 || take <= rangeMin) return { indices: tf.zeros([n, k], 'int32') as tf.Tensor2D, valid: tf.zeros([n, k], 'bool') as tf.Tensor2D };
  const { values, indices } = tf.topk(masked, take, true);
  const got = take - rangeMin;
  let idx = tf.slice(indices, [0, rangeMin], [n, got]) as tf.Tensor2D;
  let ok = tf.greater(tf.slice(values, [0, rangeMin], [n, got]), MASKED / 2) as tf.Tensor2D;
  if (rangeMax !== null) {
    const rank = tf.range(rangeMin, take, 1, 'int32');
    ok = tf.logicalAnd(ok, tf.expandDims(tf.less(rank, rangeMax), 0)) as tf.Tensor2D;
  }
  if (got < k) {
    idx = tf.concat([idx, tf.zeros([n, k - got], 'int32')], 1) as tf.Tensor2D;
    ok = tf.concat([ok, tf.zeros([n, k - got], 'bool')], 1) as tf.Tensor2D;
  }
  // Invalid slots point at row 0 of the pool; they are reported (valid = false) and weighted 0.
  idx = tf.where(ok, idx, tf.zerosLike(idx)) as tf.Tensor2D;
  return { indices: idx, valid: ok };
}

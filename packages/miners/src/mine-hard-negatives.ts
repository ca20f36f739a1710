import * as tf from '@tensorflow/tfjs-core';
import { Sfc32Rng, ShapeError, checkTensor } from '@tessera/core';
import { MASKED, l2Normalize } from './mining-utils.js';

export interface MineHardNegativesOptions {
  /** `[Q, D]` query embeddings. */
  queries: tf.Tensor;
  /** `[M, D]` corpus embeddings. */
  corpus: tf.Tensor;
  /** For each query, the corpus indices of its positives (at least one). */
  positives: readonly (readonly number[])[];
  /** Negatives per query (sentence-transformers `num_negatives`, 3). */
  numNegatives?: number;
  /** Skip the `rangeMin` best surviving candidates (`range_min`, 0). */
  rangeMin?: number;
  /** Candidate window (`range_max`); `undefined`: `rangeMin + 10K + maxPositives` with filters, else `rangeMin + K + maxPositives`. */
  rangeMax?: number;
  /** Drop candidates with `score + absoluteMargin > positive score` (`absolute_margin`). */
  absoluteMargin?: number;
  /** Drop candidates with `score > positive score · (1 − relativeMargin)` (`relative_margin`). */
  relativeMargin?: number;
  maxScore?: number;
  minScore?: number;
  /** `top` (the hardest) or `random` (uniform among the survivors, then sorted by score). */
  samplingStrategy?: 'top' | 'random';
  seed?: number;
  /** Queries scored at a time (memory `chunk × M`). */
  chunkSize?: number;
}

export interface MinedNegatives {
  /** `[Q][K]` corpus indices (valid where `valid`). */
  indices: number[][];
  scores: number[][];
  /** `[Q][K]` whether the slot holds a negative (false when fewer than K survived). */
  valid: boolean[][];
  /** Queries with all K negatives (sentence-transformers' `n-tuple` output keeps only these). */
  complete: boolean[];
}

/**
 * Static (offline) hard-negative mining over a corpus, the P0 `static-hn-miner`:
 * sentence-transformers' `util.mine_hard_negatives` on embeddings.
 *
 * Notation: cosine scores `s(q, c)` of L2-normalised embeddings, the query's
 * positive score `s_pos` = the minimum over its positives (the harder positive).
 * 1. Candidates: the `rangeMax + maxPositives` best `s(q, c)` of the corpus;
 *    the query's positives are removed.
 * 2. Filters: removed if `s + m_abs > s_pos`, `s > s_pos(1 − m_rel)`,
 *    `s > maxScore`, `s < minScore`.
 * 3. The best `rangeMax` survivors are sorted, the first `rangeMin` skipped,
 *    and `K` taken: the first `K` (`top`) or `K` at random (`random`, re-sorted).
 * The output is a per-query table that a dataset can carry as candidate
 * `negatives` (the online `hard-negative` miner then refines them per batch).
 * Runs outside any training step (host reads are fine here).
 *
 * @see https://arxiv.org/abs/2104.08051 (STAR's static hard negatives)
 */
export async function mineHardNegatives(o: MineHardNegativesOptions): Promise<MinedNegatives> {
  const label = 'mineHardNegatives';
  const q = checkTensor(o.queries, 'queries', label, { rank: 2, dtype: 'float32', describe: '[Q, D] float32' });
  const c = checkTensor(o.corpus, 'corpus', label, { rank: 2, dtype: 'float32', describe: '[M, D] float32' });
  const [nq, d] = q.shape as [number, number];
  const m = c.shape[0]!;
  if (c.shape[1] !== d) throw new ShapeError(`${label}: corpus [${c.shape.join(', ')}] must have D = ${d}.`);
  if (o.positives.length !== nq) throw new ShapeError(`${label}: positives must list the positives of each of the ${nq} queries; got ${o.positives.length}.`);
  const k = o.numNegatives ?? 3;
  const rangeMin = o.rangeMin ?? 0;
  const maxPositives = Math.max(...o.positives.map((p) => p.length));
  const filters = o.absoluteMargin !== undefined || o.relativeMargin !== undefined || o.maxScore !== undefined;
  const rangeMax = o.rangeMax ?? rangeMin + (filters ? 10 * k : k) + maxPositives;
  const window = Math.min(m, rangeMax + maxPositives);
  const rng = new Sfc32Rng(o.seed ?? 0);
  const chunk = o.chunkSize ?? 1024;
  const cn = tf.tidy(() => tf.transpose(l2Normalize(c)));
  const out: MinedNegatives = { indices: [], scores: [], valid: [], complete: [] };
  try {
    for (let start = 0; start < nq; start += chunk) {
      const rows = Math.min(chunk, nq - start);
      const [vals, idxs, posScores] = tf.tidy(() => {
        const qs = l2Normalize(tf.slice(q, [start, 0], [rows, d]));
        const s = tf.matMul(qs, cn);
        const { values, indices } = tf.topk(s, window, true);
        // Positive scores: min over each query's positives.
        const flat = o.positives.slice(start, start + rows).flatMap((ps, r) => ps.map((j) => r * m + j));
        const ps = tf.gather(tf.reshape(s, [-1]), tf.tensor1d(flat, 'int32'));
        return [values, indices, ps];
      });
      const [v, ix, pv] = await Promise.all([vals.data(), idxs.data(), posScores.data()]);
      tf.dispose([vals, idxs, posScores]);
      let pi = 0;
      for (let r = 0; r < rows; r++) {
        const positives = new Set(o.positives[start + r]);
        let sPos = Infinity;
        for (let t = 0; t < positives.size; t++) sPos = Math.min(sPos, pv[pi++]!);
        const cand: { j: number; s: number }[] = [];
        for (let t = 0; t < window; t++) {
          const j = ix[r * window + t]!;
          let s = v[r * window + t]!;
          if (positives.has(j)) s = MASKED;
          else if (o.absoluteMargin !== undefined && s + o.absoluteMargin > sPos) s = MASKED;
          else if (o.relativeMargin !== undefined && s > sPos * (1 - o.relativeMargin)) s = MASKED;
          else if (o.maxScore !== undefined && s > o.maxScore) s = MASKED;
          else if (o.minScore !== undefined && s < o.minScore) s = MASKED;
          cand.push({ j, s });
        }
        // Stable sort by score: topk(range_max) of the filtered window.
        const ranked = cand.map((e, t) => ({ ...e, t })).sort((a, b) => b.s - a.s || a.t - b.t).slice(0, Math.min(rangeMax, window)).slice(rangeMin);
        let chosen: { j: number; s: number }[];
        if ((o.samplingStrategy ?? 'top') === 'top') chosen = ranked.slice(0, k);
        else {
          const options = Math.max(k, ranked.filter((e) => e.s > MASKED / 2).length);
          const pool = Array.from({ length: Math.min(options, ranked.length) }, (_, i) => i);
          chosen = rng.shuffle(pool).slice(0, k).map((i) => ranked[i]!).sort((a, b) => b.s - a.s);
        }
        const valid = Array.from({ length: k }, (_, t) => chosen[t] !== undefined && chosen[t]!.s > MASKED / 2);
        out.indices.push(Array.from({ length: k }, (_, t) => (valid[t] ? chosen[t]!.j : 0)));
        out.scores.push(Array.from({ length: k }, (_, t) => (valid[t] ? chosen[t]!.s : Number.NEGATIVE_INFINITY)));
        out.valid.push(valid);
        out.complete.push(valid.every(Boolean));
      }
    }
  } finally {
    cn.dispose();
  }
  return out;
}

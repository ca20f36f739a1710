import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, checkDim, definePlugin, optionalInput, z, type LossInputs, type Miner } from '@tessera/core';
import { minedOutput } from './mined-output.js';
import { MASKED, PACKAGE, anchorsOf, cosineMatrix, detached } from './mining-utils.js';

/**
 * Dynamic hard negatives from a frozen document index (ADORE).
 *
 * Notation: a frozen index of document embeddings `E_d [M, D]` (set with
 * `setIndex`, e.g. encoded once by a warm-up model), query embeddings
 * `a_i [N, D]` from the model being trained, the ids of each query's
 * relevant documents `positiveIds [N]` or `[N, P]` (−1 pads).
 * Every step: scores `s(a_i, d)` (dot product, as ADORE, or cosine) against
 * the whole index; the relevant documents are excluded and the `K` highest
 * scoring documents become `negatives [N, K, D]` — constants from the index
 * (only the query tower trains, as in ADORE) — with `negativeIds [N, K]`.
 * The retrieval is exact (one matrix product and `topk` per step).
 *
 * Notes: ADORE trains with a LambdaRank-weighted RankNet loss over the top-200
 * retrieved documents; this miner supplies the retrieved negatives to any
 * loss on `embeddings`/`positives`/`negatives` (e.g. `info-nce`). The
 * sign bug of the stored DRhard commit concerns that loss, not retrieval.
 *
 * @see https://arxiv.org/abs/2104.08051
 */
export const indexHardNegative = definePlugin({
  kind: 'miner',
  name: 'index-hard-negative',
  aliases: ['adore'],
  summary: 'Hard negatives retrieved every step from a frozen document index, relevant documents excluded (ADORE).',
  paper: { title: 'Optimizing Dense Retrieval Model Training with Hard Negatives', arxiv: '2104.08051', year: 2021 },
  package: PACKAGE,
  params: z.strictObject({
    numNegatives: z.number().int().min(1).max(4096).default(3).describe('Negatives K retrieved per query.'),
    similarity: z.enum(['dot', 'cosine']).default('dot').describe('Retrieval score: dot product (ADORE/STAR) or cosine.'),
    dropIncomplete: z.boolean().default(true).describe('Weight 0 for queries with fewer than K non-relevant documents.'),
  }),
  create: (p, manifest): Miner & { setIndex(embeddings: tf.Tensor): void; dispose(): void } => {
    const label = 'miner "index-hard-negative"';
    let index: tf.Tensor2D | undefined;
    return {
      manifest,
      setIndex(embeddings: tf.Tensor) {
        if (embeddings.rank !== 2) throw new ShapeError(`${label}: the index must be [M, D] document embeddings; got [${embeddings.shape.join(', ')}].`);
        index?.dispose();
        index = tf.keep(tf.clone(embeddings)) as tf.Tensor2D;
      },
      dispose() {
        index?.dispose();
        index = undefined;
      },
      mine(inputs: LossInputs): LossInputs {
        if (!index) throw new ShapeError(`${label}: no document index; call setIndex(embeddings [M, D]) first.`);
        const docs = index;
        return tf.tidy(() => {
          const a = anchorsOf(inputs, label);
          const [n, d] = a.shape;
          checkDim(docs, 1, d, 'index', 'D', label);
          const m = docs.shape[0]!;
          const pos = optionalInput(inputs, 'positiveIds', label, { rank: [1, 2], dtype: 'int32', describe: '[N] or [N, P] int32 relevant document ids (−1 pads)' });
          if (pos) checkDim(pos, 0, n, 'positiveIds', 'N', label);
          const k = p.numNegatives;
          const sel = detached([a], (x) => {
            const s = p.similarity === 'dot' ? tf.matMul(x!, docs, false, true) : cosineMatrix(x!, docs);
            let keep: tf.Tensor = tf.ones([n, m], 'bool');
            if (pos) {
              const ids = pos.rank === 1 ? tf.expandDims(pos, 1) : pos;
              // [N, M] true where document j is one of the query's relevant documents.
              const rel = tf.any(tf.equal(tf.expandDims(ids, 2), tf.reshape(tf.range(0, m, 1, 'int32'), [1, 1, m])), 1);
              keep = tf.logicalNot(rel);
            }
            const kk = Math.min(k, m);
            const { values, indices } = tf.topk(tf.where(keep, s, tf.fill([n, m], MASKED)), kk, true);
            const ok = tf.greater(values, MASKED / 2);
            const idx = kk < k ? tf.concat([indices, tf.zeros([n, k - kk], 'int32')], 1) : indices;
            const valid = kk < k ? tf.concat([ok, tf.zeros([n, k - kk], 'bool')], 1) : ok;
            return tf.stack([tf.where(valid, idx, tf.zerosLike(idx)), tf.cast(valid, 'int32')]);
          });
          const [idx, ok] = tf.unstack(sel) as [tf.Tensor2D, tf.Tensor2D];
          const out = minedOutput(inputs, label, docs, idx, tf.cast(ok, 'bool') as tf.Tensor2D, p.dropIncomplete);
          return { ...out, negativeIds: out['negativeIndices']! };
        }) as LossInputs;
      },
    };
  },
});

import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, optionalInput, z, type LossInputs, type Miner, type Stateful } from '@tessera/core';
import { minedOutput } from './mined-output.js';
import { MASKED, PACKAGE, anchorsOf, cosineMatrix, detached, groupIds } from './mining-utils.js';

/**
 * Cross-batch memory: hard negatives from a bank of past embeddings.
 *
 * Notation: a FIFO bank `B [M, D]` of detached embeddings from earlier steps
 * with their ids `y_B [M]` (group ids when the batch has `labels`/`groupIds`,
 * else `sampleIds`), anchors `a_i` with ids `y_i`.
 * For each anchor the `K` bank entries with the largest `cos(a_i, b)` and
 * `y_b ≠ y_i` become `negatives [N, K, D]` (constants: the bank carries no
 * gradient, as in XBM); then the batch's positives (or anchors, without
 * positives) and their ids are enqueued, dropping the oldest beyond `memorySize`.
 * Until the bank holds `K` valid entries, rows are incomplete (weight 0 with
 * `dropIncomplete`). The bank is the miner's state (`getState`/`setState`);
 * wrapped with `withMiners`, it is saved in the trainer's checkpoints.
 *
 * Notes: pytorch-metric-learning's `CrossBatchMemory` wraps a loss and mines
 * pairs between the batch and the memory; here the memory feeds hard
 * negatives to any loss that reads `negatives`. The bank is updated on every
 * `mine` call (twice per step with a closure optimizer such as SAM).
 *
 * @see https://arxiv.org/abs/1912.06798 (Cross-Batch Memory for Embedding Learning)
 */
export const crossBatchMemory = definePlugin({
  kind: 'miner',
  name: 'cross-batch-memory',
  aliases: ['xbm', 'embedding-bank'],
  summary: 'Hard negatives from a FIFO bank of past embeddings (XBM), saved with the checkpoints.',
  paper: { title: 'Cross-Batch Memory for Embedding Learning', arxiv: '1912.06798', year: 2020 },
  package: PACKAGE,
  params: z.strictObject({
    memorySize: z.number().int().min(1).max(1e7).default(1024).describe('Bank capacity M (PML CrossBatchMemory memory_size 1024).'),
    numNegatives: z.number().int().min(1).max(1024).default(3).describe('Negatives K mined from the bank per anchor.'),
    dropIncomplete: z.boolean().default(true).describe('Weight 0 for anchors with fewer than K valid bank entries (while the bank fills).'),
  }),
  create: (p, manifest): Miner & Stateful & { readonly size: number } => {
    const label = 'miner "cross-batch-memory"';
    let bank: tf.Tensor2D | undefined;
    let ids: tf.Tensor1D | undefined;
    const enqueue = (rows: tf.Tensor2D, rowIds: tf.Tensor1D) => {
      const [nb, ni] = tf.tidy(() => {
        const b = bank ? tf.concat([bank, rows], 0) : tf.clone(rows);
        const y = ids ? tf.concat([ids, rowIds], 0) : tf.clone(rowIds);
        const m = b.shape[0]!;
        const start = Math.max(0, m - p.memorySize);
        return [tf.keep(tf.slice(b, [start, 0], [m - start, -1])), tf.keep(tf.slice(y, [start], [m - start]))];
      });
      tf.dispose([bank, ids].filter((t) => t !== undefined) as tf.Tensor[]);
      bank = nb as tf.Tensor2D;
      ids = ni as tf.Tensor1D;
    };
    return {
      manifest,
      stateKey: 'miner:cross-batch-memory',
      get size() {
        return bank?.shape[0] ?? 0;
      },
      mine(inputs: LossInputs): LossInputs {
        const a = anchorsOf(inputs, label);
        const [n, d] = a.shape;
        const pos = optionalInput(inputs, 'positives', label, { rank: 2, dtype: 'float32', shape: [n, d], describe: `[N, D] = [${n}, ${d}]` }) as tf.Tensor2D | undefined;
        const y = groupIds(inputs, label, n) ?? (optionalInput(inputs, 'sampleIds', label, { rank: 1, dtype: 'int32' }) as tf.Tensor1D | undefined);
        const rowIds = (y ? tf.cast(y, 'int32') : tf.fill([n], -1, 'int32')) as tf.Tensor1D;
        const k = p.numNegatives;
        const out = tf.tidy(() => {
          if (!bank || !ids) {
            const empty = tf.zeros([1, d]) as tf.Tensor2D;
            return minedOutput(inputs, label, empty, tf.zeros([n, k], 'int32') as tf.Tensor2D, tf.zeros([n, k], 'bool') as tf.Tensor2D, p.dropIncomplete);
          }
          const m = bank.shape[0]!;
          const pool = bank;
          const sel = detached([a], (x) => {
            const s = cosineMatrix(x!, pool);
            const other = y ? tf.notEqual(tf.expandDims(rowIds, 1), tf.expandDims(ids!, 0)) : tf.ones([n, m], 'bool');
            const kk = Math.min(k, m);
            const { values, indices } = tf.topk(tf.where(other, s, tf.fill([n, m], MASKED)), kk, true);
            const valid = tf.greater(values, MASKED / 2);
            const pad = k - kk;
            const idx = pad ? tf.concat([indices, tf.zeros([n, pad], 'int32')], 1) : indices;
            const ok = pad ? tf.concat([valid, tf.zeros([n, pad], 'bool')], 1) : valid;
            return tf.stack([tf.where(ok, idx, tf.zerosLike(idx)), tf.cast(ok, 'int32')]);
          });
          const [idx, ok] = tf.unstack(sel) as [tf.Tensor2D, tf.Tensor2D];
          return minedOutput(inputs, label, pool, idx, tf.cast(ok, 'bool') as tf.Tensor2D, p.dropIncomplete);
        }) as LossInputs;
        // Enqueue the batch, detached (the bank is a constant for later steps).
        const rows = detached([pos ?? a], (x) => tf.clone(x!)) as tf.Tensor2D;
        enqueue(rows, rowIds);
        tf.dispose([rows, rowIds]);
        return out;
      },
      getState(): Record<string, tf.Tensor> {
        return bank && ids ? { bank, ids } : {};
      },
      setState(state) {
        if (!state['bank'] || !state['ids']) return;
        tf.dispose([bank, ids].filter((t) => t !== undefined) as tf.Tensor[]);
        bank = tf.keep(tf.clone(state['bank'])) as tf.Tensor2D;
        ids = tf.keep(tf.clone(state['ids'])) as tf.Tensor1D;
      },
    };
  },
});

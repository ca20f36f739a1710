import * as tf from '@tensorflow/tfjs-core';
import { Sfc32Rng, TesseraError, definePlugin, z, type Batch, type Callback, type Dataset, type TrainerContext } from '@tessera/core';
import { PACKAGE } from './mining-utils.js';

/**
 * Balanced hierarchical 2-means: splits `rows` (indices into `x`, unit vectors of
 * dimension `d`) recursively at the median of the projection on the
 * difference of two centroids, until clusters hold at most `size` points.
 */
export function balancedClusters(x: Float32Array, d: number, rows: number[], size: number, rng: Sfc32Rng, iterations = 5): number[][] {
  if (rows.length <= size) return [rows];
  const dot = (i: number, c: Float64Array) => {
    let s = 0;
    for (let k = 0; k < d; k++) s += x[i * d + k]! * c[k]!;
    return s;
  };
  const centroid = (idx: number[]) => {
    const c = new Float64Array(d);
    for (const i of idx) for (let k = 0; k < d; k++) c[k] = c[k]! + x[i * d + k]!;
    return c;
  };
  const a = rows[rng.nextInt(rows.length)]!;
  let ca = centroid([a]);
  // The point least similar to a seeds the second centroid.
  let b = rows[0]!;
  let worst = Infinity;
  for (const i of rows) {
    const s = dot(i, ca);
    if (s < worst) [worst, b] = [s, i];
  }
  let cb = centroid([b]);
  let left: number[] = [];
  let right: number[] = [];
  for (let it = 0; it < iterations; it++) {
    const scored = rows.map((i) => ({ i, s: dot(i, ca) - dot(i, cb) })).sort((p, q) => q.s - p.s || p.i - q.i);
    const half = Math.ceil(rows.length / 2);
    left = scored.slice(0, half).map((r) => r.i);
    right = scored.slice(half).map((r) => r.i);
    ca = centroid(left);
    cb = centroid(right);
  }
  return [...balancedClusters(x, d, left, size, rng, iterations), ...balancedClusters(x, d, right, size, rng, iterations)];
}

/**
 * NGAME's negative-mining-aware mini-batching: batches made of clusters of
 * mutually similar points, so in-batch negatives are hard.
 *
 * Notation: training points with embeddings `x_i` (the model's output, L2
 * normalised), cluster size `C`, batch size `B`.
 * Before `startEpoch` the epoch order is a seeded random permutation. From
 * `startEpoch`, and every `refreshEvery` epochs after it, all points are
 * re-encoded and split by balanced hierarchical 2-means into clusters of at
 * most `C` points (`C` doubles at each epoch of `doubleAt`, NGAME's
 * curriculum); every epoch the clusters are shuffled and concatenated, so
 * consecutive batches of `B` hold `B/C` whole clusters.
 *
 * Wiring: the trainer has no sampler hook, so the callback reorders data
 * through a wrapped dataset: `fit({ data: cb.wrap(dataset), shuffle: false,
 * callbacks: [cb] })` — `shuffle: false` is required (the wrapper owns the
 * order). The embeddings are the model output (or its `field`) on the
 * dataset's `x`, computed in inference mode, `encodeBatchSize` at a time.
 *
 * @see https://arxiv.org/abs/2207.04452
 */
export const ngameClusterBatcher = definePlugin({
  kind: 'callback',
  name: 'ngame-cluster-batcher',
  aliases: ['ngame'],
  summary: 'NGAME mini-batching: batches of whole clusters of similar points (balanced 2-means, refreshed every R epochs).',
  paper: { title: 'NGAME: Negative Mining-aware Mini-batching for Extreme Classification', arxiv: '2207.04452', year: 2023 },
  package: PACKAGE,
  params: z.strictObject({
    clusterSize: z.number().int().min(1).max(1e6).default(8).describe('Points per cluster C (NGAME starts small and doubles it).'),
    startEpoch: z.number().int().min(0).max(1e6).default(1).describe('First clustered epoch (earlier epochs are random; NGAME sampling_curr_epochs[0]).'),
    refreshEvery: z.number().int().min(1).max(1e6).default(5).describe('Re-encode and re-cluster every R epochs (NGAME 5).'),
    doubleAt: z.array(z.number().int().min(0)).max(100).default([]).describe('Epochs at which the cluster size doubles (NGAME curriculum).'),
    field: z.string().min(1).max(200).default('embeddings').describe('Output field clustered when the model returns a record.'),
    encodeBatchSize: z.number().int().min(1).max(1e6).default(256).describe('Points encoded at a time when re-clustering.'),
    seed: z.number().int().min(0).max(2 ** 31).default(0).describe('Seed of the random orders and cluster shuffles.'),
  }),
  create: (p, manifest): Callback & { wrap(data: Dataset): Dataset; order(): readonly number[]; clusters(): readonly (readonly number[])[] } => {
    const label = 'callback "ngame-cluster-batcher"';
    const rng = new Sfc32Rng(p.seed);
    let inner: Dataset | undefined;
    let order: number[] = [];
    let clusters: number[][] = [];
    const encode = async (ctx: TrainerContext, data: Dataset): Promise<{ x: Float32Array; d: number }> => {
      const parts: Float32Array[] = [];
      let d = 0;
      for (let s = 0; s < data.size; s += p.encodeBatchSize) {
        const batch = data.batch(Array.from({ length: Math.min(p.encodeBatchSize, data.size - s) }, (_, i) => s + i));
        const e = tf.tidy(() => {
          const out = ctx.model.forward(batch.x, { training: false });
          const t = out instanceof tf.Tensor ? out : out[p.field];
          if (!t) throw new TesseraError(`${label}: the model output has no field "${p.field}".`);
          const flat = tf.reshape(t, [t.shape[0]!, -1]);
          return tf.div(flat, tf.maximum(tf.norm(flat, 2, 1, true), 1e-12));
        });
        d = e.shape[1]!;
        parts.push((await e.data()) as Float32Array);
        tf.dispose([e, ...batchTensors(batch)]);
      }
      const x = new Float32Array(parts.reduce((a, q) => a + q.length, 0));
      let off = 0;
      for (const q of parts) {
        x.set(q, off);
        off += q.length;
      }
      return { x, d };
    };
    return {
      manifest,
      order: () => order,
      clusters: () => clusters,
      wrap(data: Dataset): Dataset {
        inner = data;
        order = rng.shuffle(Array.from({ length: data.size }, (_, i) => i));
        return { size: data.size, batch: (indices: readonly number[]) => data.batch(indices.map((i) => order[i]!)) };
      },
      async onEpochBegin(ctx: TrainerContext) {
        if (!inner) throw new TesseraError(`${label}: pass the training data through callback.wrap(data) (and fit with shuffle: false).`);
        const e = ctx.epoch;
        if (e < p.startEpoch) {
          order = rng.shuffle(Array.from({ length: inner.size }, (_, i) => i));
          return;
        }
        if (clusters.length === 0 || (e - p.startEpoch) % p.refreshEvery === 0) {
          const size = p.clusterSize * 2 ** p.doubleAt.filter((t) => t <= e).length;
          const { x, d } = await encode(ctx, inner);
          clusters = balancedClusters(x, d, Array.from({ length: inner.size }, (_, i) => i), size, rng);
        }
        order = rng.shuffle(clusters.map((c) => c)).flat();
      },
    };
  },
});

function batchTensors(b: Batch): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  if (b.x instanceof tf.Tensor) out.push(b.x);
  else out.push(...Object.values(b.x));
  if (b.y) out.push(b.y);
  for (const v of Object.values(b.fields ?? {})) if (v) out.push(v);
  return out;
}

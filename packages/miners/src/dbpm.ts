import * as tf from '@tensorflow/tfjs-core';
import { TesseraError, checkTensor, definePlugin, z, type Batch, type Callback, type TrainerContext } from '@tessera/core';
import { PACKAGE, detached } from './mining-utils.js';

/**
 * Dynamic Bad Pair Mining (DBPM): down-weights positive pairs whose loss
 * history marks them as noisy (too easy) or faulty (too hard).
 *
 * Notation: per-sample loss `L_{i,e}` in epoch `e` (the batch's per-sample
 * losses, keyed by `sampleIds`), history mean `m_i` = mean over earlier epochs
 * of sample `i`'s epoch-mean loss, `μ_e`, `σ_e` = mean and population std of
 * `{m_i}` over the samples seen so far, thresholds `β_np`, `β_fp`.
 * From epoch `warmupEpochs` on, sample `i` is noisy if `m_i < μ_e − β_np·σ_e`
 * and faulty if `m_i > μ_e + β_fp·σ_e`; a flagged sample gets
 * `w_i = N(L_{i,e}; μ_e, σ_e²)` (the Gaussian density, official code), others 1.
 *
 * Bug in the reference, documented and optional fix: the density exceeds 1
 * when `σ_e < 1/√(2π) ≈ 0.399`, so the "down-weighting" can up-weight a bad
 * pair. `weighting: 'kernel'` uses `exp(−(L − μ)²/(2σ²))` ∈ (0, 1] instead.
 * `σ_e = 0` (all histories equal) flags nothing.
 *
 * @see https://arxiv.org/abs/2302.03357
 */
export const dbpm = definePlugin({
  kind: 'callback',
  name: 'dbpm',
  aliases: ['dynamic-bad-pair-mining'],
  summary: 'Dynamic Bad Pair Mining: Gaussian down-weighting of pairs whose loss history is abnormally low (noisy) or high (faulty).',
  paper: { title: 'Towards Enhancing Time Series Contrastive Learning: A Dynamic Bad Pair Mining Approach', arxiv: '2302.03357', year: 2024 },
  package: PACKAGE,
  params: z.strictObject({
    numSamples: z.number().int().min(0).max(1e9).default(0).describe('Dataset size N (the range of sampleIds); required (0 fails at train begin).'),
    npCut: z.number().min(0).max(100).default(2).describe('β_np: noisy if m < μ − β_np·σ (official cut_np 2).'),
    fpCut: z.number().min(0).max(100).default(3).describe('β_fp: faulty if m > μ + β_fp·σ (official cut_fp 3).'),
    warmupEpochs: z.number().int().min(1).max(1e6).default(50).describe('Epochs of loss history before any pair is flagged (official 50).'),
    weighting: z.enum(['pdf', 'kernel']).default('pdf').describe('pdf: Gaussian density N(L; μ, σ²) (official; may exceed 1); kernel: exp(−z²/2) ∈ (0, 1].'),
  }),
  create: (p, manifest): Callback & { flags(): { noisy: tf.Tensor; faulty: tf.Tensor } | undefined } => {
    const label = 'callback "dbpm"';
    let epochSum: tf.Tensor | undefined;
    let epochCount: tf.Tensor | undefined;
    let histSum: tf.Tensor | undefined;
    let histCount: tf.Tensor | undefined;
    let stats: { flagged: tf.Tensor; noisy: tf.Tensor; faulty: tf.Tensor; mu: tf.Tensor; sigma: tf.Tensor } | undefined;
    const replace = (old: tf.Tensor | undefined, next: tf.Tensor) => {
      old?.dispose();
      return tf.keep(next);
    };
    const ensure = () => {
      if (p.numSamples < 1) throw new TesseraError(`${label}: numSamples must be the dataset size (≥ 1); got ${p.numSamples}.`);
      epochSum ??= tf.keep(tf.zeros([p.numSamples]));
      epochCount ??= tf.keep(tf.zeros([p.numSamples]));
      histSum ??= tf.keep(tf.zeros([p.numSamples]));
      histCount ??= tf.keep(tf.zeros([p.numSamples]));
    };
    const disposeStats = () => {
      if (stats) tf.dispose(Object.values(stats));
      stats = undefined;
    };
    return {
      manifest,
      stateKey: 'callback:dbpm',
      flags: () => (stats ? { noisy: stats.noisy, faulty: stats.faulty } : undefined),
      onTrainBegin: ensure,
      onEpochBegin(ctx: TrainerContext) {
        ensure();
        disposeStats();
        if (ctx.epoch < p.warmupEpochs) return;
        stats = tf.tidy(() => {
          const seen = tf.greater(histCount!, 0);
          const m = tf.div(histSum!, tf.maximum(histCount!, 1));
          const n = tf.maximum(tf.sum(tf.cast(seen, 'float32')), 1);
          const mu = tf.div(tf.sum(tf.where(seen, m, tf.zerosLike(m))), n);
          const sigma = tf.sqrt(tf.div(tf.sum(tf.where(seen, tf.square(tf.sub(m, mu)), tf.zerosLike(m))), n));
          const live = tf.logicalAnd(seen, tf.greater(sigma, 0));
          const noisy = tf.logicalAnd(live, tf.less(m, tf.sub(mu, tf.mul(sigma, p.npCut))));
          const faulty = tf.logicalAnd(live, tf.greater(m, tf.add(mu, tf.mul(sigma, p.fpCut))));
          return { flagged: tf.logicalOr(noisy, faulty), noisy, faulty, mu, sigma };
        });
        for (const t of Object.values(stats)) tf.keep(t);
      },
      reweight(_ctx: TrainerContext, perSample: tf.Tensor, batch: Batch): tf.Tensor {
        ensure();
        const ids = checkTensor(batch.fields?.['sampleIds'], 'sampleIds', label, { rank: 1, dtype: 'int32', describe: '[N] int32 (the batch must carry sample ids)' });
        const n = perSample.shape[0]!;
        return detached([perSample], (l) => {
          const idx = tf.reshape(tf.clipByValue(ids, 0, p.numSamples - 1), [n, 1]);
          epochSum = replace(epochSum, tf.add(epochSum!, tf.scatterND(idx, l!, [p.numSamples])));
          epochCount = replace(epochCount, tf.add(epochCount!, tf.scatterND(idx, tf.ones([n]), [p.numSamples])));
          if (!stats) return tf.ones([n]);
          const z = tf.div(tf.sub(l!, stats.mu), tf.maximum(stats.sigma, 1e-12));
          const kernel = tf.exp(tf.mul(tf.square(z), -0.5));
          const w = p.weighting === 'pdf' ? tf.div(kernel, tf.mul(tf.maximum(stats.sigma, 1e-12), Math.sqrt(2 * Math.PI))) : kernel;
          return tf.where(tf.gather(stats.flagged, tf.reshape(idx, [n])), w, tf.onesLike(w));
        });
      },
      onEpochEnd() {
        if (!epochSum || !epochCount) return;
        const [s, c] = tf.tidy(() => {
          const seen = tf.greater(epochCount!, 0);
          const mean = tf.div(epochSum!, tf.maximum(epochCount!, 1));
          return [tf.add(histSum!, tf.where(seen, mean, tf.zerosLike(mean))), tf.add(histCount!, tf.cast(seen, 'float32'))];
        });
        histSum = replace(histSum, s!);
        histCount = replace(histCount, c!);
        epochSum = replace(epochSum, tf.zeros([p.numSamples]));
        epochCount = replace(epochCount, tf.zeros([p.numSamples]));
      },
      getState(): Record<string, tf.Tensor> {
        return histSum && histCount && epochSum && epochCount ? { histSum, histCount, epochSum, epochCount } : {};
      },
      setState(state) {
        if (state['histSum']) histSum = replace(histSum, tf.clone(state['histSum']));
        if (state['histCount']) histCount = replace(histCount, tf.clone(state['histCount']));
        if (state['epochSum']) epochSum = replace(epochSum, tf.clone(state['epochSum']));
        if (state['epochCount']) epochCount = replace(epochCount, tf.clone(state['epochCount']));
      },
      onTrainEnd: disposeStats,
    };
  },
});

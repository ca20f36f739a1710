import * as tf from '@tensorflow/tfjs-core';
import { Sfc32Rng, TesseraError, checkTensor, definePlugin, z, type Batch, type Callback, type TrainerContext } from '@tessera/core';
import { PACKAGE, detached } from './mining-utils.js';

/**
 * RS2: repeated random sampling — every epoch (round) trains on a fresh
 * random subset of `⌊r·N⌋` samples.
 *
 * Notation: dataset size `N` (`numSamples`), selection ratio `r`, round `e`.
 * Without replacement (default): one seeded permutation of the `N` ids is
 * consumed in consecutive slices of `⌊r·N⌋`, a new permutation starting when
 * it runs out, so every sample is seen before any repeats. With replacement:
 * a fresh uniform subset every round. The subset is applied through the
 * trainer's `reweight` hook as a 0/1 mask looked up by the batch's
 * `sampleIds` (steps with no selected sample are skipped by the trainer).
 *
 * Notes: the paper selects before batching, so a round costs `⌈rN/B⌉` steps;
 * as a reweighter the forward/backward still runs on whole batches (the
 * trainer has no per-epoch sampler hook yet), so this reproduces RS2's
 * optimisation trajectory in expectation (the selected samples and their
 * weights) but not its compute saving. Learning-rate schedules should be
 * defined on the reduced budget, as the paper does.
 *
 * @see https://arxiv.org/abs/2305.18424
 */
export const rs2RandomSubset = definePlugin({
  kind: 'callback',
  name: 'rs2-random-subset',
  aliases: ['rs2'],
  summary: 'Repeated random sampling: each epoch learns only from a fresh random subset of r·N samples (masked by sampleIds).',
  paper: { title: 'Repeated Random Sampling for Minimizing the Time-to-Accuracy of Learning', arxiv: '2305.18424', year: 2023 },
  package: PACKAGE,
  params: z.strictObject({
    numSamples: z.number().int().min(0).max(1e9).default(0).describe('Dataset size N (the range of sampleIds); required (0 fails at train begin).'),
    ratio: z.number().gt(0).max(1).default(0.1).describe('Selection ratio r per round (paper ~10% on ImageNet).'),
    replacement: z.boolean().default(false).describe('Fresh uniform subset each round (true) or consecutive slices of one permutation (false, the paper\'s default).'),
    seed: z.number().int().min(0).max(2 ** 31).default(0).describe('Seed of the subset draws.'),
  }),
  create: (p, manifest): Callback & { subset(): readonly number[] } => {
    const label = 'callback "rs2-random-subset"';
    const rng = new Sfc32Rng(p.seed);
    let perm: number[] = [];
    let cursor = 0;
    let current: number[] = [];
    let table: tf.Tensor | undefined;
    const size = () => Math.max(1, Math.floor(p.ratio * p.numSamples));
    const draw = () => {
      const m = size();
      if (p.replacement) current = rng.shuffle(Array.from({ length: p.numSamples }, (_, i) => i)).slice(0, m);
      else {
        current = [];
        while (current.length < m) {
          if (cursor >= perm.length) {
            perm = rng.shuffle(Array.from({ length: p.numSamples }, (_, i) => i));
            cursor = 0;
          }
          const take = Math.min(m - current.length, perm.length - cursor);
          current.push(...perm.slice(cursor, cursor + take));
          cursor += take;
        }
      }
      rebuild();
    };
    /** The 0/1 lookup table of the current subset. */
    const rebuild = () => {
      const mask = new Float32Array(p.numSamples);
      for (const i of current) mask[i] = 1;
      table?.dispose();
      table = tf.keep(tf.tensor1d(mask));
    };
    return {
      manifest,
      stateKey: 'callback:rs2-random-subset',
      subset: () => current,
      onTrainBegin() {
        if (p.numSamples < 1) throw new TesseraError(`${label}: numSamples must be the dataset size (≥ 1); got ${p.numSamples}.`);
      },
      onEpochBegin() {
        draw();
      },
      reweight(_ctx: TrainerContext, perSample: tf.Tensor, batch: Batch): tf.Tensor {
        const ids = checkTensor(batch.fields?.['sampleIds'], 'sampleIds', label, { rank: 1, dtype: 'int32', describe: '[N] int32 (the batch must carry sample ids)' });
        if (!table) {
          if (current.length) rebuild();
          else draw();
        }
        return detached([perSample], () => tf.gather(table!, tf.clipByValue(ids, 0, p.numSamples - 1) as tf.Tensor1D));
      },
      onTrainEnd() {
        table?.dispose();
        table = undefined;
      },
      getState() {
        // RNG words are uint32: stored bit-for-bit as int32.
        return {
          rng: tf.tensor1d(rng.getState().map((v) => v | 0), 'int32'),
          perm: tf.tensor1d(perm.length ? perm : [0], 'int32'),
          current: tf.tensor1d(current.length ? current : [0], 'int32'),
          cursor: tf.tensor1d([cursor, perm.length, current.length], 'int32'),
        };
      },
      setState(state) {
        const r = state['rng']?.dataSync();
        if (r) rng.setState(Array.from(r).map((v) => v >>> 0));
        const c = state['cursor']?.dataSync();
        if (c) {
          cursor = c[0]!;
          perm = c[1]! > 0 ? Array.from(state['perm']!.dataSync()) : [];
          if (c[2]! > 0) {
            current = Array.from(state['current']!.dataSync());
            rebuild();
          }
        }
      },
    };
  },
});

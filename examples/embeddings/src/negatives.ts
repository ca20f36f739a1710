import * as tf from '@tensorflow/tfjs-core';
import { createContainer, PluginRegistryToken, ProgressReporterToken, SilentProgressReporter, TrainerToken, z, type Loss, type Miner } from '@tessera/core';
import losses from '@tessera/losses/module';
import miners, { withMiners } from '@tessera/miners';
import optimizers from '@tessera/optimizers/module';
import { digitPairs } from './digit-pairs.js';
import { encoder, pixelGuide } from './encoder.js';

const ref = z.strictObject({ name: z.string().min(1), params: z.record(z.string(), z.unknown()).default({}) });

/** The config of `negatives.json`: shared data/model/training settings and one entry per run. */
export const negativesConfig = z.strictObject({
  name: z.string().default('negatives'),
  data: z.strictObject({
    trainPairs: z.int().min(8).default(1536),
    candidates: z.int().min(0).default(8).describe('Random candidate negatives per pair, for the miners.'),
    testFraction: z.number().min(0.05).max(0.5).default(0.2),
    seed: z.int().min(0).default(0),
  }).prefault({}),
  model: z.strictObject({ hidden: z.int().min(1).default(64), dim: z.int().min(1).default(16) }).prefault({}),
  train: z.strictObject({
    epochs: z.int().min(1).default(6),
    batchSize: z.int().min(2).default(64),
    maxSteps: z.int().min(1).optional(),
    seed: z.int().min(0).default(0),
    optimizer: ref.default({ name: 'adamw', params: { learningRate: 0.003 } }),
  }).prefault({}),
  runs: z.array(z.strictObject({
    label: z.string().min(1),
    loss: ref,
    miner: ref.optional().describe('A miner (kind "miner") applied to the loss inputs of every step.'),
    guide: z.boolean().default(false).describe('Run the frozen pixel-space guide model (GISTEmbed) on every batch.'),
    candidates: z.boolean().default(false).describe('Give the model the random candidate negatives (for the miner to choose from).'),
  })).min(1),
});
export type NegativesConfig = z.input<typeof negativesConfig>;

export interface RunResult {
  label: string;
  recallAt1: number;
  steps: number;
  finalLoss: number;
  seconds: number;
}

/** Recall@1 over held-out images: the share whose nearest other image (cosine) has the same digit. */
export async function recallAt1(embed: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor2D, y: number[]): Promise<number> {
  const nn = tf.tidy(() => {
    const e = embed(x);
    const u = tf.div(e, tf.sqrt(tf.maximum(tf.sum(tf.square(e), 1, true), 1e-24)));
    const s = tf.matMul(u, tf.transpose(u));
    const m = tf.where(tf.cast(tf.eye(y.length), 'bool'), tf.fill(s.shape, -2), s);
    return tf.argMax(m, 1);
  });
  const idx = await nn.data();
  nn.dispose();
  let hits = 0;
  idx.forEach((j, i) => (hits += y[j]! === y[i]! ? 1 : 0));
  return hits / y.length;
}

/**
 * Trains one encoder per run of the config (same data, initialisation and
 * optimizer) and reports recall@1 on the held-out split. Plugins are chosen
 * by name from the registry: the loss, the optional miner, the optimizer.
 */
export async function runNegatives(input: NegativesConfig, log: (line: string) => void = () => {}): Promise<RunResult[]> {
  const cfg = negativesConfig.parse(input);
  const data = digitPairs(cfg.data);
  const container = createContainer(losses, optimizers, miners);
  container.unbind(ProgressReporterToken);
  container.bind(ProgressReporterToken).toConstantValue(new SilentProgressReporter());
  const registry = container.get(PluginRegistryToken);
  const results: RunResult[] = [];
  try {
    for (const run of cfg.runs) {
      const t0 = Date.now();
      const model = encoder(cfg.model.hidden, cfg.model.dim, cfg.train.seed + 1);
      const base = registry.create('loss', run.loss.name, run.loss.params) as Loss;
      const loss = run.miner ? withMiners(base, registry.create('miner', run.miner.name, run.miner.params) as Miner) : base;
      const { negatives, ...pairOnly } = data.train.x;
      const x = run.candidates && negatives ? { ...pairOnly, negatives } : pairOnly;
      const fit = await container.get(TrainerToken).fit({
        model,
        data: { x, fields: data.train.fields },
        loss,
        optimizer: { name: cfg.train.optimizer.name, params: cfg.train.optimizer.params },
        epochs: cfg.train.epochs,
        batchSize: cfg.train.batchSize,
        seed: cfg.train.seed,
        progress: false,
        ...(cfg.train.maxSteps ? { maxSteps: cfg.train.maxSteps } : {}),
        ...(run.guide ? { frozenModels: [pixelGuide(data.mean)] } : {}),
      });
      const recall = await recallAt1((t) => model.encode(t), data.test.x, data.test.y);
      const r = { label: run.label, recallAt1: recall, steps: fit.steps, finalLoss: fit.final['loss'] ?? NaN, seconds: (Date.now() - t0) / 1000 };
      results.push(r);
      log(`${r.label.padEnd(24)} recall@1 ${r.recallAt1.toFixed(4)}   ${r.steps} steps, final loss ${r.finalLoss.toFixed(4)}, ${r.seconds.toFixed(1)} s`);
      model.dispose();
    }
    const chance = 1 / 10;
    log(`held-out images: ${data.test.y.length} (chance ≈ ${chance.toFixed(2)})`);
  } finally {
    data.dispose();
  }
  return results;
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PluginRegistryToken, SilentProgressReporter, type ProgressReporter } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { workbenchContainer } from '../config/load-modules.js';
import { prepareRunConfig } from '../config/validate-config.js';
import { readMetrics, runTraining } from './run-training.js';

const hasInfoNce = workbenchContainer().get(PluginRegistryToken).has('loss', 'info-nce');
if (!hasInfoNce) console.warn('skipping the embedding run: @tessera/losses does not register "info-nce" yet');

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-run-'));

const raw = {
  name: 'resume-test',
  seed: 7,
  model: { name: 'mlp', params: { hidden: 12, layers: 1 } },
  data: { name: 'digits', params: { limit: 120 } },
  loss: { name: 'cross-entropy', params: { labelSmoothing: 0.1 } },
  optimizer: { name: 'adamw', params: { learningRate: 0.01 } },
  schedule: { name: 'cosine-decay', params: { initValue: 0.01, decaySteps: 12 } },
  train: { epochs: 3, batchSize: 32, checkpointEvery: 2 },
};

/** A reporter that aborts the run once `at` steps are done (what Ctrl-C does through the CLI's AbortController). */
function abortAt(at: number, controller: AbortController): ProgressReporter {
  return { start() {}, log() {}, stop() {}, update: (done) => void (done >= at && controller.abort()) };
}

const trainLosses = (dir: string) =>
  readMetrics(path.join(dir, 'metrics.jsonl'))
    .filter((r) => r.split === 'train' && 'loss' in r.metrics)
    .map((r) => [r.step, r.metrics['loss']!] as const);

describe('runTraining', () => {
  it('an interrupted run (Ctrl-C → abort) writes a checkpoint; --resume continues the exact curve of an uninterrupted run', async () => {
    const { config } = await prepareRunConfig(raw, 'resume.yaml', process.cwd());
    const fullDir = tmp();
    const full = await runTraining(config, { outDir: fullDir, reporter: new SilentProgressReporter() });
    expect(full.stopReason).toBe('completed');
    expect(full.steps).toBe(12);

    const cutDir = tmp();
    const controller = new AbortController();
    const cut = await runTraining(config, { outDir: cutDir, signal: controller.signal, reporter: abortAt(5, controller) });
    expect(cut.stopReason).toBe('interrupted');
    expect(cut.steps).toBe(5);
    expect(cut.lastCheckpoint).toMatch(/ckpt-000000005\.tsr$/);

    const resumed = await runTraining(config, { outDir: cutDir, resume: true, reporter: new SilentProgressReporter() });
    expect(resumed.resumedFrom).toBe(5);
    expect(resumed.stopReason).toBe('completed');
    expect(resumed.final['loss']).toBe(full.final['loss']);
    expect(resumed.final['val_loss']).toBe(full.final['val_loss']);
    // The metrics file holds one record per step, equal to the uninterrupted run's.
    expect(trainLosses(cutDir)).toEqual(trainLosses(fullDir));
  });

  it('refuses to resume with a changed config', async () => {
    const dir = tmp();
    const a = await prepareRunConfig({ ...raw, train: { ...raw.train, epochs: 1 } }, 'a.yaml', process.cwd());
    await runTraining(a.config, { outDir: dir, reporter: new SilentProgressReporter() });
    const b = await prepareRunConfig({ ...raw, optimizer: { name: 'adamw', params: { learningRate: 0.02 } }, train: { ...raw.train, epochs: 1 } }, 'b.yaml', process.cwd());
    await expect(runTraining(b.config, { outDir: dir, resume: true, reporter: new SilentProgressReporter() })).rejects.toThrow(/config changed/);
  });

  it('trains the character transformer with the config\'s norm and attention plugins', async () => {
    const lm = await prepareRunConfig(
      {
        name: 'lm',
        model: { name: 'char-transformer', params: { dModel: 16, numHeads: 2 } },
        data: { name: 'tiny-shakespeare', params: { contextLength: 8, trainSamples: 32, validationSamples: 8 } },
        loss: 'cross-entropy',
        optimizer: { name: 'adamw', params: { learningRate: 0.01 } },
        norm: 'rms-norm',
        attention: 'softmax',
        train: { epochs: 1, batchSize: 16 },
      },
      'lm.yaml',
      process.cwd(),
    );
    const r = await runTraining(lm.config, { outDir: tmp(), reporter: new SilentProgressReporter() });
    expect(r.steps).toBe(2);
    // Untrained: close to log(V) nats per character.
    expect(r.final['val_loss']).toBeGreaterThan(1);
    expect(r.final['val_loss']).toBeLessThan(Math.log(60) + 0.5);
  });

  it('runs callback and miner plugins named in the config (@tessera/miners)', async () => {
    const cb = await prepareRunConfig(
      { ...raw, name: 'early', callbacks: [{ name: 'early-stopping', params: { monitor: 'val_loss', baseline: 0, patience: 0 } }], train: { epochs: 4, batchSize: 32 } },
      'cb.yaml',
      process.cwd(),
    );
    const r = await runTraining(cb.config, { outDir: tmp(), reporter: new SilentProgressReporter() });
    // Nothing improves on a validation loss of 0: early stopping ends the run before its 16 steps.
    expect(r.stopReason).toBe('callback');
    expect(r.steps).toBeLessThan(16);

    const mined = await prepareRunConfig(
      {
        name: 'mined',
        model: { name: 'embedding-mlp', params: { hidden: 16, dim: 8 } },
        data: { name: 'digit-pairs', params: { trainPairs: 64, validationPairs: 32 } },
        loss: { name: 'info-nce', params: { temperature: 0.1 } },
        miners: [{ name: 'hard-negative', params: { numNegatives: 2 } }],
        optimizer: 'adam',
        train: { epochs: 1, batchSize: 32 },
      },
      'mined.yaml',
      process.cwd(),
    );
    expect(mined.config.miners.map((m) => m.name)).toEqual(['hard-negative']);
    const m = await runTraining(mined.config, { outDir: tmp(), reporter: new SilentProgressReporter() });
    expect(m.steps).toBe(2);
    expect(Number.isFinite(m.final['loss'])).toBe(true);
  });

  // info-nce comes from @tessera/losses; until that package registers it, this test says so and skips.
  it.skipIf(!hasInfoNce)('trains the embedding model on digit pairs with info-nce (in-batch negatives)', async () => {
    const emb = await prepareRunConfig(
      {
        name: 'emb',
        model: { name: 'embedding-mlp', params: { hidden: 16, dim: 8 } },
        data: { name: 'digit-pairs', params: { trainPairs: 64, validationPairs: 32 } },
        loss: { name: 'info-nce', params: { temperature: 0.1 } },
        optimizer: { name: 'adam', params: { learningRate: 0.01 } },
        train: { epochs: 2, batchSize: 32 },
      },
      'emb.yaml',
      process.cwd(),
    );
    const e = await runTraining(emb.config, { outDir: tmp(), reporter: new SilentProgressReporter() });
    expect(e.steps).toBe(4);
    expect(Number.isFinite(e.final['val_loss'])).toBe(true);
  });
});

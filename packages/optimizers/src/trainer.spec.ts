// The core Trainer drives Tessera optimizers: schedules through setLearningRate, Schedule-Free's
// train()/eval() around evaluation, and exact resume from checkpoints (state renamed by variable).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import {
  createContainer, definePlugin, pluginModule, PluginRegistryToken, ProgressReporterToken, SilentProgressReporter, TrainerToken, z,
  type Loss, type TrainableModel,
} from '@tessera/core';
import optimizers from './module.js';
import type { TransformOptimizer } from './transform-optimizer.js';

const mse = definePlugin({
  kind: 'loss',
  name: 'opt-test-mse',
  summary: 'Mean squared error (optimizers test copy).',
  io: { required: ['predictions', 'targets'], output: 'predictions', target: 'targets' },
  params: z.strictObject({}),
  create: (_p, manifest): Loss => ({
    manifest,
    compute: ({ predictions, targets }, opts) =>
      tf.tidy(() => {
        const per = tf.mean(tf.square(tf.sub(predictions!, targets!)), -1);
        return opts?.reduction === 'none' ? per : opts?.reduction === 'sum' ? tf.sum(per) : tf.mean(per);
      }),
  }),
});

let id = 0;
function linearModel(): TrainableModel {
  const k = id++;
  const w = tf.variable(tf.tensor2d([[0.1], [-0.2], [0.05]]), true, `optw_${k}`);
  const b = tf.variable(tf.zeros([1]), true, `optb_${k}`);
  return { trainableVariables: [w, b], forward: (x) => tf.add(tf.matMul(x as tf.Tensor, w), b) };
}
function data(n = 40) {
  const x = tf.randomNormal([n, 3], 0, 1, 'float32', 5);
  const y = tf.tidy(() => tf.add(tf.matMul(x, tf.tensor2d([[1.5], [-2], [0.5]])), 0.3));
  return { x, y };
}
function trainer() {
  const c = createContainer(pluginModule(mse), optimizers);
  c.unbind(ProgressReporterToken);
  c.bind(ProgressReporterToken).toConstantValue(new SilentProgressReporter());
  return c.get(TrainerToken);
}

describe('core Trainer with Tessera optimizers', () => {
  for (const [name, params] of [
    ['adamw', { learningRate: 0.05 }],
    ['schedule-free-adamw', { learningRate: 0.05 }],
    ['prodigy', {}],
    ['sgd', { learningRate: 0.05, momentum: 0.9 }],
  ] as const) {
    it(`${name}: resuming from a checkpoint continues the same loss curve (new model, new variable names)`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-opt-resume-'));
      const d = data(40);
      const opts = { data: d, validation: data(16), loss: 'opt-test-mse', epochs: 3, batchSize: 8, seed: 3, optimizer: { name, params } };
      const full = await trainer().fit({ ...opts, model: linearModel() });
      const cut = await trainer().fit({ ...opts, model: linearModel(), maxSteps: 7, checkpoint: { dir, everySteps: 2 } });
      expect(cut.stopReason).toBe('max-steps');
      const resumed = await trainer().fit({ ...opts, model: linearModel(), checkpoint: { dir, resume: true } });
      expect(resumed.resumedFrom).toBe(7);
      expect(resumed.history.map((h) => h.loss)).toEqual(full.history.map((h) => h.loss));
      const losses = full.history.map((h) => h.loss);
      expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
    });
  }

  it('a schedule drives the learning rate through setLearningRate', async () => {
    const result = await trainer().fit({
      model: linearModel(), data: data(40), loss: 'opt-test-mse', epochs: 2, batchSize: 8,
      optimizer: { name: 'adam', params: {} },
      schedule: { name: 'warmup-cosine-decay', params: { peakValue: 0.1, warmupSteps: 3, decaySteps: 10 } },
    });
    const lrs = result.history.map((h) => h.lr);
    expect(result.history.length).toBe(10);
    // optax warmup_cosine_decay: 0, 0.1/3, 0.2/3 during warmup, 0.1 at step 3
    expect(lrs[0]).toBeCloseTo(0, 8);
    expect(lrs[1]).toBeCloseTo(0.1 / 3, 6);
    expect(lrs[3]).toBeCloseTo(0.1, 6);
  });

  it('reduce-on-plateau lowers the learning rate the trainer applies (with and without a schedule)', async () => {
    // threshold 10 (relative): no epoch counts as an improvement, so every epoch end halves the rate (as torch)
    const registry = createContainer(optimizers).get(PluginRegistryToken);
    for (const schedule of [undefined, { name: 'constant', params: { value: 0.01 } }]) {
      const opt = registry.create('optimizer', 'sgd', { learningRate: 0.01 }) as TransformOptimizer;
      const result = await trainer().fit({
        model: linearModel(), data: data(16), validation: data(8), loss: 'opt-test-mse', epochs: 4, batchSize: 16,
        optimizer: opt,
        ...(schedule ? { schedule } : {}),
        callbacks: [{ name: 'reduce-on-plateau', params: { patience: 0, factor: 0.5, threshold: 10 } }],
      });
      // steps 1–4 run at 0.01, 0.005, 0.0025, 0.00125
      expect(opt.getLearningRate()).toBeCloseTo(0.00125, 10);
      if (schedule) expect(result.history.map((h) => h.lr)).toEqual([0.01, 0.005, 0.0025, 0.00125]);
      opt.dispose();
    }
  });
});

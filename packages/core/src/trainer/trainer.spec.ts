import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Callback } from '../contracts/callback.js';
import type { Loss } from '../contracts/loss.js';
import type { TrainableModel } from '../contracts/model.js';
import { createContainer } from '../create-container.js';
import { NonFiniteError, UnknownPluginError } from '../errors.js';
import { definePlugin } from '../plugin/plugin.js';
import { pluginModule } from '../plugin/plugin-module.js';
import { MemoryMetricSink, MetricSinkToken } from '../services/metric-sink.js';
import { ProgressReporterToken, SilentProgressReporter } from '../services/progress-reporter.js';
import { TrainerToken } from './trainer.js';

// A user plugin registered in three lines: define, bind, use by name.
const meanSquared = definePlugin({
  kind: 'loss',
  name: 'test-mse',
  summary: 'Mean squared error (test copy).',
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

const halving = definePlugin({
  kind: 'schedule',
  name: 'test-halving',
  summary: 'Halves the value every step.',
  params: z.strictObject({ initValue: z.number().default(0.1).describe('Value at step 0.') }),
  create: (p, manifest) => ({ manifest, valueAt: (step: number) => p.initValue * 0.5 ** step }),
});

let nameCounter = 0;
/** y = x·w + b on 3 features; data from a fixed linear map plus noise. */
function linearModel(): TrainableModel & { w: tf.Variable; b: tf.Variable } {
  const id = nameCounter++;
  const w = tf.variable(tf.tensor2d([[0.1], [-0.2], [0.05]]), true, `w_${id}`);
  const b = tf.variable(tf.zeros([1]), true, `b_${id}`);
  return { w, b, trainableVariables: [w, b], forward: (x) => tf.add(tf.matMul(x as tf.Tensor, w), b) };
}

function data(n = 40, poison?: number) {
  const x = tf.randomNormal([n, 3], 0, 1, 'float32', 5);
  const clean = tf.tidy(() => tf.add(tf.matMul(x, tf.tensor2d([[1.5], [-2], [0.5]])), 0.3));
  if (poison === undefined) return { x, y: clean };
  const mask = tf.tensor2d(Array.from({ length: n }, (_, i) => [i === poison ? NaN : 0]));
  const y = tf.add(clean, mask);
  tf.dispose([clean, mask]);
  return { x, y };
}

function trainer(extra: ReturnType<typeof pluginModule>[] = []) {
  const c = createContainer(pluginModule(meanSquared, halving), ...extra);
  c.unbind(ProgressReporterToken);
  c.bind(ProgressReporterToken).toConstantValue(new SilentProgressReporter());
  return c.get(TrainerToken);
}

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('Trainer', () => {
  it('fits a model with a user-registered loss used by name', async () => {
    const model = linearModel();
    const d = data();
    const result = await trainer().fit({ model, data: d, loss: 'test-mse', optimizer: tf.train.sgd(0.1), epochs: 30, batchSize: 8 });
    expect(result.steps).toBe(30 * 5);
    expect(result.history).toHaveLength(150);
    expect(result.history.at(-1)!.loss).toBeLessThan(1e-3 * result.history[0]!.loss);
    expectClose(values(model.w), [1.5, -2, 0.5], 1e-2);
    expect(result.stopReason).toBe('completed');
    expect(result.backend).toBe(tf.getBackend());
  });

  it('leaves no tensor behind across a fit', async () => {
    const model = linearModel();
    const d = data();
    const opt = tf.train.sgd(0.05);
    const t = trainer();
    await t.fit({ model, data: d, loss: 'test-mse', optimizer: opt, epochs: 1, batchSize: 8 });
    const before = tf.memory().numTensors;
    await t.fit({ model, data: d, loss: 'test-mse', optimizer: opt, epochs: 2, batchSize: 8 });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is deterministic for a seed, and the seed changes the order', async () => {
    const run = async (seed: number) => {
      const model = linearModel();
      return (await trainer().fit({ model, data: data(), loss: 'test-mse', optimizer: tf.train.sgd(0.05), epochs: 2, batchSize: 8, seed })).history.map((h) => h.loss);
    };
    const a = await run(1);
    expect(await run(1)).toEqual(a);
    expect(await run(2)).not.toEqual(a);
  });

  it('accumulating 2 micro-batches of 4 equals one step on the batch of 8', async () => {
    const d = data(8);
    const big = linearModel();
    await trainer().fit({ model: big, data: d, loss: 'test-mse', optimizer: tf.train.sgd(0.1), batchSize: 8, maxSteps: 1, shuffle: false });
    const small = linearModel();
    const r = await trainer().fit({ model: small, data: d, loss: 'test-mse', optimizer: tf.train.sgd(0.1), batchSize: 4, accumulationSteps: 2, maxSteps: 1, shuffle: false });
    expect(r.steps).toBe(1);
    expectClose(values(small.w), values(big.w), 1e-6);
    expectClose(values(small.b), values(big.b), 1e-6);
  });

  it('NaN guard: stops naming the step and tensor, or skips the step', async () => {
    const d = data(16, 9);
    await expect(
      trainer().fit({ model: linearModel(), data: d, loss: 'test-mse', optimizer: tf.train.sgd(0.05), batchSize: 4, shuffle: false }),
    ).rejects.toThrow(/non-finite loss \(NaN\) at step 3/);
    await expect(
      trainer().fit({ model: linearModel(), data: d, loss: 'test-mse', optimizer: tf.train.sgd(0.05), batchSize: 4, shuffle: false }),
    ).rejects.toBeInstanceOf(NonFiniteError);
    const model = linearModel();
    const r = await trainer().fit({ model, data: d, loss: 'test-mse', optimizer: tf.train.sgd(0.05), batchSize: 4, shuffle: false, nanPolicy: 'skip' });
    expect(r.skipped).toEqual([{ step: 3, reason: 'non-finite loss (NaN) at step 3' }]);
    expect(r.steps).toBe(3);
    expect(values(model.w).every(Number.isFinite)).toBe(true);
  });

  it('names the variable whose gradient is not finite', async () => {
    const model = linearModel();
    const bad: TrainableModel = {
      trainableVariables: model.trainableVariables,
      // sqrt(w) has an infinite gradient at 0 while the loss stays finite
      forward: (x) => tf.add(tf.matMul(x as tf.Tensor, model.w), tf.sqrt(tf.mul(model.b, 0))),
    };
    await expect(trainer().fit({ model: bad, data: data(8), loss: 'test-mse', optimizer: tf.train.sgd(0.05), batchSize: 8 })).rejects.toThrow(
      `non-finite gradient of ${model.b.name}`,
    );
  });

  it('resuming from a checkpoint continues the same loss curve as an uninterrupted run', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-resume-'));
    const opts = { data: data(40), loss: 'test-mse', epochs: 3, batchSize: 8, seed: 3 };
    const full = await trainer().fit({ ...opts, model: linearModel(), optimizer: tf.train.adam(0.05) });
    // Interrupted mid-epoch 2 (step 7 of 15), then resumed by a new trainer, model and optimizer.
    const cut = await trainer().fit({ ...opts, model: linearModel(), optimizer: tf.train.adam(0.05), maxSteps: 7, checkpoint: { dir, everySteps: 2 } });
    expect(cut.stopReason).toBe('max-steps');
    const resumedModel = linearModel();
    const resumed = await trainer().fit({ ...opts, model: resumedModel, optimizer: tf.train.adam(0.05), checkpoint: { dir, resume: true } });
    expect(resumed.resumedFrom).toBe(7);
    expect(resumed.history.map((h) => h.loss)).toEqual(full.history.map((h) => h.loss));
  });

  it('calls the hooks in order', async () => {
    const calls: string[] = [];
    const rec: Callback = {
      onTrainBegin: () => void calls.push('trainBegin'),
      onEpochBegin: () => void calls.push('epochBegin'),
      beforeForward: () => void calls.push('beforeForward'),
      afterForward: () => void calls.push('afterForward'),
      afterBackward: () => void calls.push('afterBackward'),
      afterStep: () => void calls.push('afterStep'),
      onEvaluateBegin: () => void calls.push('evaluateBegin'),
      onEvaluateEnd: () => void calls.push('evaluateEnd'),
      onEpochEnd: () => void calls.push('epochEnd'),
      onTrainEnd: () => void calls.push('trainEnd'),
    };
    const d = data(8);
    const r = await trainer().fit({ model: linearModel(), data: d, validation: d, loss: 'test-mse', optimizer: tf.train.sgd(0.01), batchSize: 4, callbacks: [rec] });
    const step = ['beforeForward', 'afterForward', 'afterBackward', 'afterStep'];
    expect(calls).toEqual(['trainBegin', 'epochBegin', ...step, ...step, 'evaluateBegin', 'evaluateEnd', 'epochEnd', 'trainEnd']);
    expect(r.final['val_loss']).toBeGreaterThan(0);
  });

  it('a callback can stop training and transform gradients', async () => {
    const zeroGrads: Callback = {
      afterBackward: (_ctx, grads) => Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.zerosLike(g)])),
      afterStep: (ctx) => {
        if (ctx.step === 2) ctx.stop();
      },
    };
    const model = linearModel();
    const w0 = values(model.w);
    const r = await trainer().fit({ model, data: data(), loss: 'test-mse', optimizer: tf.train.sgd(0.1), batchSize: 8, callbacks: [zeroGrads], epochs: 5 });
    expect(r.stopReason).toBe('callback');
    expect(r.steps).toBe(2);
    expect(values(model.w)).toEqual(w0);
  });

  it('an abort queued as a task (as a signal handler is) stops the run at the step whose checkpoint was just written', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-abort-'));
    const ac = new AbortController();
    // Queued like Node queues a SIGINT handler: it runs only when the loop yields to the event loop.
    const ctrlC: Callback = { afterStep: (ctx) => void (ctx.step === 3 && setImmediate(() => ac.abort())) };
    const r = await trainer().fit({ model: linearModel(), data: data(), loss: 'test-mse', optimizer: tf.train.sgd(0.01), batchSize: 4, epochs: 20, callbacks: [ctrlC], signal: ac.signal, checkpoint: { dir, everySteps: 1 } });
    expect(r.stopReason).toBe('interrupted');
    expect(r.steps).toBe(3);
    expect(path.basename(r.lastCheckpoint!)).toMatch(/ckpt-0*3\.tsr$/);
  });

  it('a reweighter that selects nothing skips the step instead of producing NaN', async () => {
    const none: Callback = { reweight: (_ctx, perSample) => tf.zerosLike(perSample) };
    const r = await trainer().fit({ model: linearModel(), data: data(8), loss: 'test-mse', optimizer: tf.train.sgd(0.1), batchSize: 4, callbacks: [none] });
    expect(r.steps).toBe(0);
    expect(r.skipped.map((s) => s.reason)).toEqual(['the reweighters selected no sample', 'the reweighters selected no sample']);
  });

  it('drives the learning rate with a schedule given by name', async () => {
    const opt = tf.train.sgd(1);
    const r = await trainer().fit({ model: linearModel(), data: data(16), loss: 'test-mse', optimizer: opt, schedule: 'test-halving', batchSize: 8 });
    expect(r.history.map((h) => h.lr)).toEqual([0.1, 0.05]);
  });

  it('clips the global gradient norm', async () => {
    const model = linearModel();
    const w0 = values(model.w);
    const b0 = values(model.b);
    await trainer().fit({ model, data: data(8), loss: 'test-mse', optimizer: tf.train.sgd(1), batchSize: 8, gradientClip: { norm: 0.01 } });
    const moved = Math.hypot(...values(model.w).map((v, i) => v - w0[i]!), ...values(model.b).map((v, i) => v - b0[i]!));
    expect(moved).toBeLessThanOrEqual(0.01 + 1e-6);
    expect(moved).toBeGreaterThan(0.0099);
  });

  it('trains a tf.LayersModel and writes metrics to the injected sink', async () => {
    const c = createContainer(pluginModule(meanSquared));
    c.unbind(ProgressReporterToken);
    c.bind(ProgressReporterToken).toConstantValue(new SilentProgressReporter());
    const sink = c.get(MetricSinkToken) as MemoryMetricSink;
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [3], kernelInitializer: 'zeros' })] });
    const d = data();
    const r = await c.get(TrainerToken).fit({ model, data: d, validation: d, loss: 'test-mse', optimizer: tf.train.sgd(0.1), epochs: 20, batchSize: 8 });
    expect(r.final['val_loss']).toBeLessThan(1e-3);
    expect(sink.series('loss')).toHaveLength(100);
    expect(sink.series('loss', 'val')).toHaveLength(20);
    model.dispose();
  });

  it('runs frozen models without gradients, caching their outputs by sample id', async () => {
    const distill = definePlugin({
      kind: 'loss',
      name: 'test-distill',
      summary: 'Squared distance to a frozen teacher.',
      io: { required: ['predictions', 'teacher'], output: 'predictions' },
      params: z.strictObject({}),
      create: (_p, manifest): Loss => ({ manifest, compute: ({ predictions, teacher }) => tf.mean(tf.square(tf.sub(predictions!, teacher!))) }),
    });
    const teacherW = tf.variable(tf.tensor2d([[1.5], [-2], [0.5]]), true, `teacher_${nameCounter++}`);
    let rowsSeen = 0;
    const teacher = {
      name: 'teacher',
      output: 'teacher',
      forward: (x: tf.Tensor | tf.NamedTensorMap) => {
        rowsSeen += (x as tf.Tensor).shape[0]!;
        return tf.matMul(x as tf.Tensor, teacherW);
      },
    };
    const d = data(40);
    const model = linearModel();
    const r = await trainer([pluginModule(distill)]).fit({
      model,
      data: { x: d.x, fields: { sampleIds: tf.range(0, 40, 1, 'int32') } },
      loss: 'test-distill',
      optimizer: tf.train.sgd(0.1),
      frozenModels: [teacher],
      epochs: 30,
      batchSize: 8,
    });
    expect(rowsSeen).toBe(40); // each sample once, then from the cache
    expect(values(teacherW)).toEqual([1.5, -2, 0.5]);
    expect(r.history.at(-1)!.loss).toBeLessThan(1e-3);
    expectClose(values(model.w), [1.5, -2, 0.5], 1e-2);
  });

  it('lets the batch size change between epochs', async () => {
    const r = await trainer().fit({ model: linearModel(), data: data(40), loss: 'test-mse', optimizer: tf.train.sgd(0.05), epochs: 2, batchSize: (epoch) => (epoch === 0 ? 8 : 4) });
    expect(r.steps).toBe(5 + 10);
    await expect(trainer().fit({ model: linearModel(), data: data(8), loss: 'test-mse', optimizer: tf.train.sgd(0.05), epochs: 2, batchSize: (e) => (e === 1 ? 0 : 4) })).rejects.toThrow(
      'batchSize(1) must be an integer ≥ 1; got 0',
    );
  });

  it('fails early on bad options and unknown plugin names', async () => {
    const t = trainer();
    await expect(t.fit({ model: linearModel(), data: data(8), loss: 'test-mse', optimizer: tf.train.sgd(0.1), batchSize: 0 })).rejects.toThrow(
      'batchSize must be an integer ≥ 1; got 0',
    );
    await expect(t.fit({ model: linearModel(), data: data(8), loss: 'test-mde', optimizer: tf.train.sgd(0.1) })).rejects.toThrow(UnknownPluginError);
    await expect(t.fit({ model: linearModel(), data: data(8), loss: 'test-mde', optimizer: tf.train.sgd(0.1) })).rejects.toThrow('did you mean "test-mse"');
  });
});

function expectClose(a: number[], b: number[], tol: number) {
  expect(a).toHaveLength(b.length);
  a.forEach((v, i) => expect(Math.abs(v - b[i]!), `index ${i}: ${v} vs ${b[i]}`).toBeLessThanOrEqual(tol));
}

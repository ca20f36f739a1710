import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRegistry, type Callback, type TrainerContext } from '@tessera/core';
import { expectTensorsClose } from '@tessera/testing';
import optimizers from '../module.js';
import { fixtureCases } from '../spec-helpers.js';
import type { LrRangeResult } from './lr-range-test.js';

const registry = createRegistry(optimizers);

function fakeCtx(optimizer: tf.Optimizer, vars: tf.Variable[]): TrainerContext & { stopped: string | undefined } {
  const ctx = {
    step: 0, epoch: 0, batchInEpoch: 0, logs: {}, overrides: new Map<string, number>(), stopped: undefined as string | undefined,
    model: { trainableVariables: vars, forward: () => tf.scalar(0) },
    optimizer,
    stop(reason?: string) { ctx.stopped = reason ?? 'stop'; },
    log() {},
  };
  return ctx as unknown as TrainerContext & { stopped: string | undefined };
}

describe('reduce-on-plateau against torch.optim.lr_scheduler.ReduceLROnPlateau', () => {
  fixtureCases<{ params: Record<string, unknown>; metrics: number[]; lrs: number[] }>('reduce-on-plateau.json').forEach((c, i) => {
    it(`setting #${i} ${JSON.stringify(c.params)}`, () => {
      const cb = registry.create('callback', 'reduce-on-plateau', c.params) as Callback & { observe(v: number, lr: number): number };
      let lr = 1;
      const got = c.metrics.map((m) => (lr = cb.observe(m, lr)));
      expectTensorsClose(got, c.lrs);
    });
  });

  it('drives the trainer overrides at epoch end and round-trips its state', async () => {
    const opt = registry.create('optimizer', 'sgd', { learningRate: 0.2 });
    const ctx = fakeCtx(opt, []);
    const cb = registry.create('callback', 'reduce-on-plateau', { patience: 0, factor: 0.5 }) as Callback;
    await cb.onTrainBegin!(ctx);
    await cb.onEpochEnd!(ctx, { val_loss: 1 });
    await cb.onEpochEnd!(ctx, { val_loss: 1 });
    expect(ctx.overrides.get('lrScale')).toBe(0.5);
    expect(ctx.overrides.get('lr')).toBeCloseTo(0.1);
    const fresh = registry.create('callback', 'reduce-on-plateau', { patience: 0, factor: 0.5 }) as Callback & { scale: number };
    const st = cb.getState!();
    fresh.setState!(st);
    tf.dispose(Object.values(st));
    expect(fresh.scale).toBe(0.5);
  });
});

describe('lr-range-test', () => {
  it('sweeps exponentially, stops on divergence, restores weights and optimizer state', async () => {
    const w = tf.variable(tf.tensor1d([1, 2]), true, 'lrtest_w');
    const opt = registry.create('optimizer', 'adam', { learningRate: 1e-3 });
    opt.applyGradients({ [w.name]: tf.tensor1d([1, 1]) });
    const before = (await opt.getWeights()).map((x) => Array.from(x.tensor.dataSync()));
    const ctx = fakeCtx(opt, [w]);
    const cb = registry.create('callback', 'lr-range-test', { startLr: 1e-4, endLr: 1, numSteps: 5 }) as Callback & { result(): LrRangeResult };
    await cb.onTrainBegin!(ctx);
    expect(ctx.overrides.get('lr')).toBeCloseTo(1e-4);
    const lossAt = [1, 0.8, 0.5, 0.45, 0.44];
    for (const loss of lossAt) {
      opt.applyGradients({ [w.name]: tf.tensor1d([1, 1]) });
      cb.afterStep!(ctx, { loss });
    }
    expect(ctx.stopped).toBeDefined();
    const r = cb.result();
    expectTensorsClose(r.lrs, [1e-4, 1e-3, 1e-2, 1e-1, 1]);
    // bias-corrected EMA with β = 0.98: L₁ = loss₁
    expect(r.losses[0]).toBeCloseTo(1, 6);
    expect(r.suggestion).toBeDefined();
    await cb.onTrainEnd!(ctx);
    expect(Array.from(w.dataSync())).toEqual([1, 2].map((x) => Math.fround(x - 1e-3)));
    const after = (await opt.getWeights()).map((x) => Array.from(x.tensor.dataSync()));
    expect(after).toEqual(before);
    w.dispose();
  });

  it('stops early when the smoothed loss blows up', () => {
    const cb = registry.create('callback', 'lr-range-test', { numSteps: 100, smoothing: 0 }) as Callback & { record(l: number): boolean };
    expect(cb.record(1)).toBe(true);
    expect(cb.record(0.5)).toBe(true);
    expect(cb.record(2.5)).toBe(false); // > 4 × 0.5
  });
});

/**
 * Every normalization layer, chosen by name, inside a tfjs-layers model on [B, T, D] inputs:
 * `model.fit` passes `training: true` (running statistics and gradient statistics move),
 * `predict` runs inference, and swapping the norm is a one-word change.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initializers, layers as tfl, sequential } from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { registry } from './spec-utils.js';

/** Hyperparameters that fit the model's 8 channels (the defaults assume 32 groups or a conv). */
const fit8: Record<string, Record<string, unknown>> = {
  'group-norm': { numGroups: 2 },
  'evonorm-s0': { numGroups: 2 },
  'batch-channel-norm': { numGroups: 2 },
  'weight-standardization': { filters: 8, kernelSize: 1 },
  'power-norm': { warmupIters: 2 },
  'unified-norm': { windowSize: 2, warmupIters: 2, compensationWarmup: 3 },
};

describe('every normalization layer trains inside a tf.sequential model by name', () => {
  const names = registry.list('normalization').map((m) => m.name);

  it('registers at least 16 layers', () => {
    expect(names.length).toBeGreaterThanOrEqual(16);
  });

  for (const name of names) {
    it(`${name}: model.fit lowers the loss, state moves in training, predict is stable`, async () => {
      const norm = registry.create('normalization', name, fit8[name] ?? {});
      const model = sequential({
        layers: [
          tfl.dense({ units: 8, inputShape: [4, 8], kernelInitializer: initializers.glorotUniform({ seed: 1 }) }),
          norm,
          tfl.dense({ units: 1, kernelInitializer: initializers.glorotUniform({ seed: 2 }) }),
        ],
      });
      // weight standardisation amplifies (unit-variance kernels, no norm after it here): smaller step
      model.compile({ optimizer: tf.train.sgd(name === 'weight-standardization' ? 0.005 : 0.05), loss: 'meanSquaredError' });
      const x = tf.randomNormal([16, 4, 8], 0, 1, 'float32', 1);
      const y = tf.tidy(() => tf.sum(tf.slice(x, [0, 0, 0], [-1, -1, 2]), -1, true));
      const state0 = norm.nonTrainableWeights.map((w) => Array.from(w.read().dataSync()));
      const before = tf.memory().numTensors;
      const h = await model.fit(x, y, { epochs: 6, batchSize: 8, shuffle: false, verbose: 0 });
      const losses = h.history.loss as number[];
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses[losses.length - 1]!).toBeLessThan(losses[0]!);
      const state1 = norm.nonTrainableWeights.map((w) => Array.from(w.read().dataSync()));
      if (state0.length) expect(state1).not.toEqual(state0); // running statistics / counters moved
      const p1 = model.predict(x) as tf.Tensor;
      const p2 = model.predict(x) as tf.Tensor;
      expect(Array.from(p2.dataSync())).toEqual(Array.from(p1.dataSync()));
      tf.dispose([p1, p2]);
      expect(tf.memory().numTensors).toBeLessThanOrEqual(before + 2); // fit leaks nothing per step (the history scalars aside)
      tf.dispose([x, y]);
      model.dispose();
    });
  }
});

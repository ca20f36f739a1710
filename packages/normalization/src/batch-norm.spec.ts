import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoGrowth, expectTensorsClose, fixtureTensor, loadFixture, type FixtureTensor } from '@tessera/testing';
import { batchNorm } from './batch-norm.js';
import { registry, replaySteps, saveLoadRoundTrip, setWeight, getWeight, type StepRecord } from './spec-utils.js';

interface Case {
  name: string;
  params: { momentum: number | null; affine: boolean };
  init: { gamma?: FixtureTensor; beta?: FixtureTensor };
  steps: StepRecord[];
}
const { cases } = loadFixture<{ cases: Case[] }>(new URL('./__fixtures__/batch-norm.json', import.meta.url));

describe('batch-norm against nn.BatchNorm1d/2d (PyTorch 1.13): training steps, then inference', () => {
  for (const c of cases) {
    it(c.name, () => {
      const layer = registry.create('normalization', 'batch-norm', c.params);
      const x0 = fixtureTensor(c.steps[0]!.x);
      tf.tidy(() => void layer.apply(x0)); // build
      x0.dispose();
      if (c.init.gamma) setWeight(layer, 'gamma', fixtureTensor(c.init.gamma));
      if (c.init.beta) setWeight(layer, 'beta', fixtureTensor(c.init.beta));
      const checked = replaySteps(layer, c.steps);
      expect(checked).toBe(c.steps.length * 2); // running_mean and running_var after every call
      layer.dispose();
    });
  }
});

describe('batch-norm', () => {
  it('functional form: batch statistics in training, given statistics in inference', () => {
    tf.tidy(() => {
      const step = cases[0]!.steps[0]!;
      const x = fixtureTensor(step.x);
      const { gamma, beta } = cases[0]!.init;
      expectTensorsClose(batchNorm(x, fixtureTensor(gamma!), fixtureTensor(beta!)), fixtureTensor(step.y));
      // closed form: with μ̂ = 0, σ̂² = 1 − ε the inference form is the identity
      const c = x.shape[1]!;
      expectTensorsClose(batchNorm(x, null, null, { mean: tf.zeros([c]), variance: tf.fill([c], 1 - 1e-5) }), x);
    });
  });

  it('trackRunningStats: false uses batch statistics in both modes and has no buffers', () => {
    const layer = registry.create('normalization', 'batch-norm', { trackRunningStats: false });
    tf.tidy(() => {
      const x = tf.randomNormal([5, 3]);
      expectTensorsClose(layer.apply(x, { training: false }) as tf.Tensor, batchNorm(x, null, null));
    });
    expect(layer.nonTrainableWeights).toHaveLength(0);
    layer.dispose();
  });

  it('checks PyTorch’s numFeatures against the input when given', () => {
    const ok = registry.create('normalization', 'batch-norm', { numFeatures: 3 });
    tf.tidy(() => void ok.apply(tf.ones([2, 3]), { training: true }));
    const bad = registry.create('normalization', 'batch-norm', { numFeatures: 4 });
    expect(() => bad.apply(tf.ones([2, 3]))).toThrow(/numFeatures = 4 but the input has 3/);
    ok.dispose();
  });

  it('raises PyTorch’s error for a single value per channel in training', () => {
    const layer = registry.create('normalization', 'batch-norm');
    expect(() => layer.apply(tf.ones([1, 3]), { training: true })).toThrow(/more than 1 value per channel/);
    layer.dispose();
  });

  it('no tensor growth over training steps (running statistics replaced in place)', async () => {
    const layer = registry.create('normalization', 'batch-norm');
    const x = tf.randomNormal([4, 3, 5]);
    await expectNoGrowth(() => layer.apply(x, { training: true }));
    x.dispose();
    layer.dispose();
  });

  it('saves and loads, running statistics included', async () => {
    const x = tf.randomNormal([4, 3, 4]);
    const { before, after } = await saveLoadRoundTrip(() => registry.create('normalization', 'batch-norm'), [3, 4], x, (layer) => {
      tf.tidy(() => void layer.apply(tf.randomNormal([4, 3, 4]), { training: true }));
      expect(Array.from(getWeight(layer, 'running_mean').dataSync()).some((v) => v !== 0)).toBe(true);
    });
    expectTensorsClose(after, before, { rtol: 0, atol: 0 });
    tf.dispose([x, before, after]);
  });
});

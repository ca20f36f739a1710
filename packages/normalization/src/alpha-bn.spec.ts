import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoGrowth, expectTensorsClose, loadFixture } from '@tessera/testing';
import { alphaBatchNorm } from './alpha-bn.js';
import { batchNorm } from './batch-norm.js';
import { registry, replayCase, saveLoadRoundTrip, type StepCase } from './spec-utils.js';

const { cases } = loadFixture<{ cases: StepCase[] }>(new URL('./__fixtures__/alpha-bn.json', import.meta.url));

describe('alpha-bn against nn.BatchNorm + α-mixed inference statistics (PyTorch 1.13)', () => {
  for (const c of cases) {
    it(`${c.name}: 3 training steps, then inference with mixed statistics`, () => {
      expect(replayCase('alpha-bn', c)).toBe(c.steps.length * 2);
    });
  }
});

describe('alpha-bn', () => {
  it('limit cases: α = 1 is batch-norm inference, α = 0 normalises with the test batch', () => {
    const one = registry.create('normalization', 'alpha-bn', { alpha: 1 });
    const zero = registry.create('normalization', 'alpha-bn', { alpha: 0 });
    const bn = registry.create('normalization', 'batch-norm');
    tf.tidy(() => {
      const train = tf.randomNormal([6, 3]);
      for (const l of [one, zero, bn]) l.apply(train, { training: true });
      const x = tf.add(tf.randomNormal([5, 3]), 2);
      expectTensorsClose(one.apply(x) as tf.Tensor, bn.apply(x) as tf.Tensor);
      expectTensorsClose(zero.apply(x) as tf.Tensor, batchNorm(x));
      const [, , mean, variance] = one.getWeights() as tf.Tensor[];
      expectTensorsClose(alphaBatchNorm(x, { mean: mean!, variance: variance! }, 1), one.apply(x) as tf.Tensor);
      expectTensorsClose(alphaBatchNorm(x, { mean: mean!, variance: variance! }, 0), batchNorm(x));
      // one value per channel at test time: falls back to the running statistics
      expectTensorsClose(zero.apply(tf.ones([1, 3])) as tf.Tensor, bn.apply(tf.ones([1, 3])) as tf.Tensor);
    });
    [one, zero, bn].forEach((l) => l.dispose());
  });

  it('no growth; saves and loads', async () => {
    const layer = registry.create('normalization', 'alpha-bn');
    const x = tf.randomNormal([4, 3, 4]);
    await expectNoGrowth(() => layer.apply(x, { training: true }));
    await expectNoGrowth(() => layer.apply(x, { training: false }));
    const { before, after } = await saveLoadRoundTrip(() => registry.create('normalization', 'alpha-bn', { alpha: 0.5 }), [3, 4], x, (l) => {
      tf.tidy(() => void l.apply(tf.randomNormal([4, 3, 4]), { training: true }));
    });
    expectTensorsClose(after, before, { rtol: 0, atol: 0 });
    tf.dispose([x, before, after]);
    layer.dispose();
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoGrowth, expectTensorsClose, loadFixture } from '@tessera/testing';
import { registry, replayCase, saveLoadRoundTrip, type StepCase } from './spec-utils.js';

const { cases } = loadFixture<{ cases: StepCase[] }>(new URL('./__fixtures__/batch-channel-norm.json', import.meta.url));

describe('batch-channel-norm against the official BCNorm / EstBN (restated in PyTorch 1.13)', () => {
  for (const c of cases) {
    it(`${c.name}: 3 training steps (y, grads of x and both affines, running stats), then inference`, () => {
      expect(replayCase('batch-channel-norm', c)).toBe(c.steps.length * 2);
    });
  }
});

describe('batch-channel-norm', () => {
  it('estimate mode with r = 0 keeps the statistics frozen and normalises with them', () => {
    const layer = registry.create('normalization', 'batch-channel-norm', { numGroups: 2, estimate: true });
    tf.tidy(() => {
      const x = tf.randomNormal([2, 3, 4]);
      const a = layer.apply(x, { training: true }) as tf.Tensor;
      const b = layer.apply(x, { training: false }) as tf.Tensor;
      expectTensorsClose(a, b);
      expectTensorsClose(layer.getWeights()[4]!, tf.zeros([4])); // running_mean
    });
    layer.dispose();
  });

  it('no growth; saves and loads', async () => {
    const layer = registry.create('normalization', 'batch-channel-norm', { numGroups: 2 });
    const x = tf.randomNormal([2, 3, 4]);
    await expectNoGrowth(() => layer.apply(x, { training: true }));
    const { before, after } = await saveLoadRoundTrip(() => registry.create('normalization', 'batch-channel-norm', { numGroups: 2 }), [3, 4], x, (l) => {
      tf.tidy(() => void l.apply(tf.randomNormal([2, 3, 4]), { training: true }));
    });
    expectTensorsClose(after, before, { rtol: 0, atol: 0 });
    tf.dispose([x, before, after]);
    layer.dispose();
  });
});

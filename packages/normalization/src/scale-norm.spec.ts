import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeak, expectTensorsClose, loadFixture } from '@tessera/testing';
import { scaleNorm } from './scale-norm.js';
import { checkAffineCase, getWeight, registry, saveLoadRoundTrip, type AffineCase } from './spec-utils.js';

const { cases } = loadFixture<{ cases: AffineCase[] }>(new URL('./__fixtures__/scale-norm.json', import.meta.url));

describe('scale-norm against the official g / ‖x‖.clamp(min=ε) (PyTorch 1.13)', () => {
  for (const c of cases) it(`forward and gradients (x, g): ${c.name}`, () => checkAffineCase('scale-norm', c, 'g'));
});

describe('scale-norm', () => {
  it('g starts at √D; every output row has norm g', () => {
    const layer = registry.create('normalization', 'scale-norm');
    tf.tidy(() => {
      const y = layer.apply(tf.randomNormal([3, 16])) as tf.Tensor;
      expectTensorsClose(getWeight(layer, 'g'), [4]);
      expectTensorsClose(tf.norm(y, 'euclidean', -1), tf.fill([3], 4));
    });
    layer.dispose();
  });

  it('limit case: below the clamp the output is g·x/ε, and a zero row gives zero with a finite gradient', () => {
    tf.tidy(() => {
      const x = tf.tensor2d([[1e-7, -2e-7, 0]]);
      expectTensorsClose(scaleNorm(x, 2, 1e-5), tf.mul(x, 2 / 1e-5));
      const g = tf.grad((v: tf.Tensor) => tf.sum(scaleNorm(v, 1)))(tf.zeros([1, 3]));
      expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
    });
  });

  it('leaks nothing; saves and loads', async () => {
    const layer = registry.create('normalization', 'scale-norm', { scale: 2 });
    const x = tf.randomNormal([2, 3, 4]);
    tf.tidy(() => void layer.apply(x));
    await expectNoLeak(() => layer.apply(x, { training: true }));
    const { before, after } = await saveLoadRoundTrip(() => registry.create('normalization', 'scale-norm'), [3, 4], x);
    expectTensorsClose(after, before, { rtol: 0, atol: 0 });
    tf.dispose([x, before, after]);
    layer.dispose();
  });
});

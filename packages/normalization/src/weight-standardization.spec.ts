import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeak, expectTensorsClose, fixtureTensor, loadFixture, type FixtureTensor } from '@tessera/testing';
import { standardizeWeight } from './weight-standardization.js';
import { layerGrads, registry, saveLoadRoundTrip, setWeight } from './spec-utils.js';

interface Case {
  name: string;
  params: Record<string, unknown>;
  x: FixtureTensor;
  kernel: FixtureTensor;
  bias: FixtureTensor;
  dy: FixtureTensor;
  y: FixtureTensor;
  dx: FixtureTensor;
  dkernel: FixtureTensor;
  dbias: FixtureTensor;
}
const { cases } = loadFixture<{ cases: Case[] }>(new URL('./__fixtures__/weight-standardization.json', import.meta.url));

describe('weight-standardization against the official WS conv (F.conv1d/conv2d/linear, PyTorch 1.13)', () => {
  for (const c of cases) {
    it(`forward and gradients (x, kernel through μ and σ, bias): ${c.name}`, () => {
      const layer = registry.create('normalization', 'weight-standardization', c.params);
      const x = fixtureTensor(c.x);
      tf.tidy(() => void layer.apply(x));
      setWeight(layer, 'kernel', fixtureTensor(c.kernel));
      setWeight(layer, 'bias', fixtureTensor(c.bias));
      const { y, dx, grads } = layerGrads(layer, x, fixtureTensor(c.dy));
      expectTensorsClose(y, fixtureTensor(c.y), { name: 'y' });
      expectTensorsClose(dx, fixtureTensor(c.dx), { name: 'dx' });
      expectTensorsClose(grads.kernel!, fixtureTensor(c.dkernel), { name: 'dkernel' });
      expectTensorsClose(grads.bias!, fixtureTensor(c.dbias), { name: 'dbias' });
      expect(layer.computeOutputShape(x.shape)).toEqual(y.shape);
      tf.dispose([x, y, dx, ...Object.values(grads)]);
      layer.dispose();
    });
  }
});

describe('weight-standardization', () => {
  it('standardised kernels have zero mean and unit (unbiased) std per output channel, up to ε', () => {
    tf.tidy(() => {
      const w = standardizeWeight(tf.randomNormal([3, 3, 4, 5], 2, 3), 0);
      const flat = tf.reshape(w, [-1, 5]);
      expectTensorsClose(tf.mean(flat, 0), tf.zeros([5]), { atol: 1e-5 });
      expectTensorsClose(tf.div(tf.sum(tf.square(flat), 0), 35), tf.ones([5]), { atol: 1e-5 });
    });
  });

  it('rejects a fan-in of 1 (unbiased std undefined)', () => {
    expect(() => standardizeWeight(tf.ones([1, 3]))).toThrow(/fan-in must be at least 2/);
  });

  it('leaks nothing; saves and loads inside a model', async () => {
    const layer = registry.create('normalization', 'weight-standardization', { filters: 4, kernelSize: 1 });
    const x = tf.randomNormal([2, 3, 4]);
    tf.tidy(() => void layer.apply(x));
    await expectNoLeak(() => layer.apply(x, { training: true }));
    const { before, after } = await saveLoadRoundTrip(() => registry.create('normalization', 'weight-standardization', { filters: 6, kernelSize: 2 }), [3, 4], x);
    expect(after.shape).toEqual([2, 2, 6]);
    expectTensorsClose(after, before, { rtol: 0, atol: 0 });
    tf.dispose([x, before, after]);
    layer.dispose();
  });
});

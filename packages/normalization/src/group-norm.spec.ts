import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeak, expectTensorsClose, fixtureTensor, loadFixture, type FixtureTensor } from '@tessera/testing';
import { groupNorm } from './group-norm.js';
import { layerNorm } from './layer-norm.js';
import { layerGrads, registry, saveLoadRoundTrip, setWeight } from './spec-utils.js';

interface Case {
  name: string;
  numGroups: number;
  x: FixtureTensor;
  gamma: FixtureTensor;
  beta: FixtureTensor;
  dy: FixtureTensor;
  y: FixtureTensor;
  dx: FixtureTensor;
  dgamma: FixtureTensor;
  dbeta: FixtureTensor;
}
const { cases } = loadFixture<{ cases: Case[] }>(new URL('./__fixtures__/group-norm.json', import.meta.url));

describe('group-norm against F.group_norm (PyTorch 1.13, channels-first permuted)', () => {
  for (const c of cases) {
    it(`functional form and layer, forward and gradients: ${c.name}`, () => {
      tf.tidy(() => {
        const [x, g, b, dy] = [fixtureTensor(c.x), fixtureTensor(c.gamma), fixtureTensor(c.beta), fixtureTensor(c.dy)];
        expectTensorsClose(groupNorm(x, c.numGroups, g, b), fixtureTensor(c.y), { name: 'y' });
        const [dx, dg, db] = tf.grads((xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(groupNorm(xx, c.numGroups, gg, bb), dy)))([x, g, b]);
        expectTensorsClose(dx!, fixtureTensor(c.dx), { name: 'dx' });
        expectTensorsClose(dg!, fixtureTensor(c.dgamma), { name: 'dgamma' });
        expectTensorsClose(db!, fixtureTensor(c.dbeta), { name: 'dbeta' });
      });
      const layer = registry.create('normalization', 'group-norm', { numGroups: c.numGroups });
      const x = fixtureTensor(c.x);
      tf.tidy(() => void layer.apply(x));
      setWeight(layer, 'gamma', fixtureTensor(c.gamma));
      setWeight(layer, 'beta', fixtureTensor(c.beta));
      const r = layerGrads(layer, x, fixtureTensor(c.dy));
      expectTensorsClose(r.y, fixtureTensor(c.y), { name: 'layer y' });
      expectTensorsClose(r.dx, fixtureTensor(c.dx), { name: 'layer dx' });
      expectTensorsClose(r.grads.gamma!, fixtureTensor(c.dgamma), { name: 'layer dgamma' });
      tf.tidy(() => expectTensorsClose(layer.apply(x, { training: false }) as tf.Tensor, fixtureTensor(c.y), { name: 'inference y' }));
      tf.dispose([x, r.y, r.dx, ...Object.values(r.grads)]);
      layer.dispose();
    });
  }

  it('G = 1 on [B, T, C] equals layer norm over (T, C)', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([2, 3, 4]);
      expectTensorsClose(groupNorm(x, 1), layerNorm(x, null, null, 1e-5, [1, 2]));
    });
  });

  it('checks PyTorch’s numChannels against the input when given', () => {
    const bad = registry.create('normalization', 'group-norm', { numGroups: 2, numChannels: 6 });
    expect(() => bad.apply(tf.ones([2, 4]))).toThrow(/numChannels = 6 but the input has 4/);
  });

  it('rejects channels that do not divide into the groups, naming both', () => {
    const layer = registry.create('normalization', 'group-norm', { numGroups: 3 });
    expect(() => layer.apply(tf.ones([2, 4]))).toThrow(/4 channels must divide into numGroups = 3/);
  });

  it('leaks nothing and saves/loads', async () => {
    const layer = registry.create('normalization', 'group-norm', { numGroups: 2 });
    const x = tf.randomNormal([2, 3, 4]);
    tf.tidy(() => void layer.apply(x));
    await expectNoLeak(() => layer.apply(x, { training: true }));
    const { before, after } = await saveLoadRoundTrip(() => registry.create('normalization', 'group-norm', { numGroups: 2 }), [3, 4], x);
    expectTensorsClose(after, before, { rtol: 0, atol: 0 });
    tf.dispose([x, before, after]);
    layer.dispose();
  });
});

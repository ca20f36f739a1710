import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, expectNoLeak, expectTensorsClose, fixtureTensor, loadFixture, type FixtureTensor } from '@tessera/testing';
import { rmsNorm, type EpsPlacement } from './rms-norm.js';
import { layerGrads, registry, saveLoadRoundTrip, setWeight } from './spec-utils.js';

interface Case {
  name: string;
  epsilon: number;
  epsPlacement: EpsPlacement;
  bias: boolean;
  x: FixtureTensor;
  gamma: FixtureTensor;
  beta?: FixtureTensor;
  dy: FixtureTensor;
  y: FixtureTensor;
  dx: FixtureTensor;
  dgamma: FixtureTensor;
  dbeta?: FixtureTensor;
}
const { cases } = loadFixture<{ cases: Case[] }>(new URL('./__fixtures__/rms-norm.json', import.meta.url));

describe('rms-norm against x·rsqrt(mean(x²) + ε)·g (PyTorch 1.13, explicit formula)', () => {
  for (const c of cases) {
    it(`functional form, forward and gradients: ${c.name}`, () => {
      tf.tidy(() => {
        const x = fixtureTensor(c.x);
        const dy = fixtureTensor(c.dy);
        const g = fixtureTensor(c.gamma);
        const b = c.beta ? fixtureTensor(c.beta) : tf.zeros(g.shape);
        // without bias, β enters as a zero shift so the three-way gradient stays defined
        const f = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) =>
          c.bias ? rmsNorm(xx, gg, bb, c.epsilon, -1, c.epsPlacement) : tf.add(rmsNorm(xx, gg, null, c.epsilon, -1, c.epsPlacement), tf.mul(bb, 0));
        expectTensorsClose(f(x, g, b), fixtureTensor(c.y), { name: 'y' });
        const [dx, dg, db] = tf.grads((xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(f(xx, gg, bb), dy)))([x, g, b]);
        expectTensorsClose(dx!, fixtureTensor(c.dx), { name: 'dx' });
        expectTensorsClose(dg!, fixtureTensor(c.dgamma), { name: 'dgamma' });
        if (c.dbeta) expectTensorsClose(db!, fixtureTensor(c.dbeta), { name: 'dbeta' });
      });
    });

    it(`layer through the registry, with gradients: ${c.name}`, () => {
      const layer = registry.create('normalization', 'rms-norm', { epsilon: c.epsilon, epsPlacement: c.epsPlacement, bias: c.bias });
      const x = fixtureTensor(c.x);
      const dy = fixtureTensor(c.dy);
      tf.tidy(() => void layer.apply(x));
      setWeight(layer, 'gamma', fixtureTensor(c.gamma));
      if (c.beta) setWeight(layer, 'beta', fixtureTensor(c.beta));
      tf.tidy(() => expectTensorsClose(layer.apply(x, { training: false }) as tf.Tensor, fixtureTensor(c.y), { name: 'y (inference)' }));
      const { y, dx, grads } = layerGrads(layer, x, dy);
      expectTensorsClose(y, fixtureTensor(c.y), { name: 'y' });
      expectTensorsClose(dx, fixtureTensor(c.dx), { name: 'dx' });
      expectTensorsClose(grads.gamma!, fixtureTensor(c.dgamma), { name: 'dgamma' });
      if (c.dbeta) expectTensorsClose(grads.beta!, fixtureTensor(c.dbeta), { name: 'dbeta' });
      tf.dispose([x, dy, y, dx, ...Object.values(grads)]);
      layer.dispose();
    });
  }
});

describe('rms-norm layer', () => {
  it('defaults: ε = 1e-6 inside the root, gain only (no bias), over the last axis of [B, T, D]', () => {
    const layer = registry.create('normalization', 'rms-norm');
    expect(layer.getConfig()).toMatchObject({ epsilon: 1e-6, epsPlacement: 'inside', bias: false, elementwiseAffine: true });
    const y = tf.tidy(() => layer.apply(tf.randomNormal([2, 3, 16])) as tf.Tensor);
    expect(layer.trainableWeights.map((w) => w.originalName.split('/').pop())).toEqual(['gamma']);
    // closed form: every row of the output has mean square ms/(ms + ε) ≈ 1
    tf.tidy(() => expectTensorsClose(tf.mean(tf.square(y), -1), tf.ones([2, 3]), { atol: 1e-4 }));
    y.dispose();
    layer.dispose();
  });

  it('a zero row maps to zero with a finite gradient, in both ε placements', () => {
    for (const placement of ['inside', 'outside'] as const) {
      tf.tidy(() => {
        const x = tf.zeros([2, 4]);
        expectTensorsClose(rmsNorm(x, null, null, 1e-6, -1, placement), tf.zeros([2, 4]));
        const g = tf.grad((v: tf.Tensor) => tf.sum(rmsNorm(v, null, null, 1e-6, -1, placement)))(x);
        expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
      });
    }
  });

  it('outside-ε gradient matches finite differences', () => {
    const x = tf.tensor2d([[0.3, -1.2, 0.8, 2.0]]);
    checkGradient((v) => tf.sum(tf.mul(rmsNorm(v, null, null, 1e-2, -1, 'outside'), tf.tensor2d([[1, -2, 0.5, 3]]))), x);
    x.dispose();
  });

  it('leaks no tensors over repeated calls', async () => {
    const layer = registry.create('normalization', 'rms-norm');
    const x = tf.randomNormal([3, 4, 6]);
    tf.tidy(() => void layer.apply(x));
    await expectNoLeak(() => layer.apply(x, { training: true }));
    x.dispose();
    layer.dispose();
  });

  it('saves and loads inside a tf.sequential model with identical outputs', async () => {
    const x = tf.randomNormal([2, 3, 4]);
    const { before, after, className } = await saveLoadRoundTrip(
      () => registry.create('normalization', 'rms-norm', { epsPlacement: 'outside', epsilon: 1e-8, bias: true }),
      [3, 4],
      x,
      (layer) => {
        setWeight(layer, 'gamma', tf.tensor1d([1, 2, 3, 4]));
        setWeight(layer, 'beta', tf.tensor1d([0, -1, 1, 0.5]));
      },
    );
    expect(className).toBe('TesseraRmsNorm');
    expectTensorsClose(after, before, { rtol: 0, atol: 0 });
    tf.dispose([x, before, after]);
  });

  it('fails clearly on bad hyperparameters', () => {
    expect(() => registry.create('normalization', 'rms-norm', { epsPlacement: 'middle' })).toThrow(/epsPlacement/);
  });
});

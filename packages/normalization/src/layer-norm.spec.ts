import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeak, expectTensorsClose, fixtureTensor, loadFixture, type FixtureTensor } from '@tessera/testing';
import { layerNorm, LayerNorm } from './layer-norm.js';
import { layerGrads, registry, saveLoadRoundTrip, setWeight } from './spec-utils.js';

interface Case {
  name: string;
  axis: number | number[];
  epsilon: number;
  affine: boolean;
  x: FixtureTensor;
  dy: FixtureTensor;
  y: FixtureTensor;
  dx: FixtureTensor;
  gamma?: FixtureTensor;
  beta?: FixtureTensor;
  dgamma?: FixtureTensor;
  dbeta?: FixtureTensor;
}
const { cases } = loadFixture<{ cases: Case[] }>(new URL('./__fixtures__/layer-norm.json', import.meta.url));

describe('layer-norm against F.layer_norm (PyTorch 1.13)', () => {
  for (const c of cases) {
    it(`functional form, forward and gradients: ${c.name}`, () => {
      tf.tidy(() => {
        const x = fixtureTensor(c.x);
        const dy = fixtureTensor(c.dy);
        if (c.affine) {
          const g = fixtureTensor(c.gamma!);
          const b = fixtureTensor(c.beta!);
          const y = layerNorm(x, g, b, c.epsilon, c.axis);
          expectTensorsClose(y, fixtureTensor(c.y), { name: 'y' });
          const [dx, dg, db] = tf.grads((xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(layerNorm(xx, gg, bb, c.epsilon, c.axis), dy)))([x, g, b]);
          expectTensorsClose(dx!, fixtureTensor(c.dx), { name: 'dx' });
          expectTensorsClose(dg!, fixtureTensor(c.dgamma!), { name: 'dgamma' });
          expectTensorsClose(db!, fixtureTensor(c.dbeta!), { name: 'dbeta' });
        } else {
          const y = layerNorm(x, null, null, c.epsilon, c.axis);
          expectTensorsClose(y, fixtureTensor(c.y), { name: 'y' });
          const dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(layerNorm(xx, null, null, c.epsilon, c.axis), dy)))(x);
          expectTensorsClose(dx, fixtureTensor(c.dx), { name: 'dx' });
        }
      });
    });

    it(`layer through the registry, training and inference, with gradients: ${c.name}`, () => {
      const layer = registry.create('normalization', 'layer-norm', { epsilon: c.epsilon, axis: c.axis, elementwiseAffine: c.affine });
      const x = fixtureTensor(c.x);
      const dy = fixtureTensor(c.dy);
      tf.tidy(() => void layer.apply(x));
      if (c.affine) {
        setWeight(layer, 'gamma', fixtureTensor(c.gamma!));
        setWeight(layer, 'beta', fixtureTensor(c.beta!));
      }
      for (const training of [false, true]) {
        tf.tidy(() => expectTensorsClose(layer.apply(x, { training }) as tf.Tensor, fixtureTensor(c.y), { name: `y (training ${training})` }));
      }
      const { y, dx, grads } = layerGrads(layer, x, dy);
      expectTensorsClose(y, fixtureTensor(c.y), { name: 'y' });
      expectTensorsClose(dx, fixtureTensor(c.dx), { name: 'dx' });
      if (c.affine) {
        expectTensorsClose(grads.gamma!, fixtureTensor(c.dgamma!), { name: 'dgamma' });
        expectTensorsClose(grads.beta!, fixtureTensor(c.dbeta!), { name: 'dbeta' });
      }
      tf.dispose([x, dy, y, dx, ...Object.values(grads)]);
      layer.dispose();
    });
  }
});

describe('layer-norm layer', () => {
  it('creates γ = 1 and β = 0 of size D on first call, and works on [B, T, D]', () => {
    const layer = new LayerNorm();
    expect(layer.built).toBe(false);
    const y = tf.tidy(() => layer.apply(tf.randomNormal([2, 5, 8]), { training: true }) as tf.Tensor);
    expect(y.shape).toEqual([2, 5, 8]);
    expect(layer.trainableWeights.map((w) => w.shape)).toEqual([[8], [8]]);
    expectTensorsClose(layer.trainableWeights[0]!.read(), tf.ones([8]));
    expectTensorsClose(layer.trainableWeights[1]!.read(), tf.zeros([8]));
    // each row has mean 0 and (biased) variance σ²/(σ² + ε) ≈ 1
    expectTensorsClose(tf.mean(y, -1), tf.zeros([2, 5]), { atol: 1e-5 });
    y.dispose();
    layer.dispose();
  });

  it('a constant row maps to β (limit case σ² = 0)', () => {
    tf.tidy(() => {
      const beta = tf.tensor1d([0.5, -1, 2]);
      expectTensorsClose(layerNorm(tf.fill([2, 3], 7), tf.ones([3]), beta), tf.stack([beta, beta]));
    });
  });

  it('leaks no tensors over repeated calls', async () => {
    const layer = registry.create('normalization', 'layer-norm');
    const x = tf.randomNormal([3, 4, 6]);
    tf.tidy(() => void layer.apply(x));
    await expectNoLeak(() => layer.apply(x, { training: true }));
    await expectNoLeak(() => {
      const { y, dx, grads } = layerGrads(layer, x, tf.onesLike(x));
      return [y, dx, ...Object.values(grads)];
    }, { allowed: 1 });
    x.dispose();
    layer.dispose();
  });

  it('saves and loads inside a tf.sequential model with identical outputs', async () => {
    const x = tf.randomNormal([2, 3, 4]);
    const { before, after, className } = await saveLoadRoundTrip(
      () => registry.create('normalization', 'layer-norm', { epsilon: 1e-6 }),
      [3, 4],
      x,
      (layer) => {
        setWeight(layer, 'gamma', tf.tensor1d([1, 2, 3, 4]));
        setWeight(layer, 'beta', tf.tensor1d([0, -1, 1, 0.5]));
      },
    );
    expect(className).toBe('TesseraLayerNorm');
    expectTensorsClose(after, before, { rtol: 0, atol: 0 });
    tf.dispose([x, before, after]);
  });

  it('accepts PyTorch’s normalizedShape (trailing axes, checked against the input)', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([2, 3, 4]);
      const a = registry.create('normalization', 'layer-norm', { normalizedShape: [3, 4] });
      expectTensorsClose(a.apply(x) as tf.Tensor, layerNorm(x, null, null, 1e-5, [1, 2]));
      expect(a.trainableWeights[0]!.shape).toEqual([3, 4]);
      const b = registry.create('normalization', 'layer-norm', { normalizedShape: 5 });
      expect(() => b.apply(x)).toThrow(/normalizedShape \[5\] does not match the trailing input axes \[4\]/);
    });
  });

  it('fails clearly on bad input and bad hyperparameters', () => {
    const layer = registry.create('normalization', 'layer-norm');
    expect(() => layer.apply(tf.tensor1d([1, 2], 'int32'))).toThrow(/layer-norm.*x must be float32/);
    expect(() => registry.create('normalization', 'layer-norm', { epsilon: -1 })).toThrow(/epsilon/);
    expect(() => registry.create('normalization', 'layer-norm', { eps: 1e-5 })).toThrow(/did you mean "epsilon"/);
    expect(() => layerNorm(tf.ones([2, 3]), tf.ones([4]))).toThrow(/gamma must have shape \[3\]/);
  });
});

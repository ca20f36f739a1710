import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeak, expectTensorsClose, loadFixture } from '@tessera/testing';
import { layerNorm } from './layer-norm.js';
import { layerNormScaling } from './layer-norm-scaling.js';
import { checkAffineCase, registry, saveLoadRoundTrip, type AffineCase } from './spec-utils.js';

const { cases } = loadFixture<{ cases: AffineCase[] }>(new URL('./__fixtures__/layer-norm-scaling.json', import.meta.url));

describe('layer-norm-scaling against F.layer_norm(x)/√ℓ and the official LNS RMSNorm/√ℓ (PyTorch 1.13)', () => {
  for (const c of cases) it(`forward and gradients: ${c.name}`, () => checkAffineCase('layer-norm-scaling', c));
});

describe('layer-norm-scaling', () => {
  it('ℓ = 1 is the plain norm; ℓ = 4 halves it', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([2, 5]);
      expectTensorsClose(layerNormScaling(x, 1), layerNorm(x));
      expectTensorsClose(layerNormScaling(x, 4), tf.mul(layerNorm(x), 0.5));
    });
  });

  it('rejects a 0-based index', () => {
    expect(() => registry.create('normalization', 'layer-norm-scaling', { layerIndex: 0 })).toThrow(/layerIndex/);
    expect(() => layerNormScaling(tf.ones([1, 2]), 0)).toThrow(/1-based/);
  });

  it('leaks nothing; saves and loads with its layer index', async () => {
    const layer = registry.create('normalization', 'layer-norm-scaling', { layerIndex: 7 });
    const x = tf.randomNormal([2, 3, 4]);
    tf.tidy(() => void layer.apply(x));
    await expectNoLeak(() => layer.apply(x, { training: true }));
    const { before, after } = await saveLoadRoundTrip(() => registry.create('normalization', 'layer-norm-scaling', { layerIndex: 7, norm: 'rms-norm' }), [3, 4], x);
    expectTensorsClose(after, before, { rtol: 0, atol: 0 });
    tf.dispose([x, before, after]);
    layer.dispose();
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeak, expectTensorsClose, loadFixture } from '@tessera/testing';
import { qkNorm } from './qk-norm.js';
import { checkAffineCase, registry, saveLoadRoundTrip, type AffineCase } from './spec-utils.js';

const { cases } = loadFixture<{ cases: AffineCase[] }>(new URL('./__fixtures__/qk-norm.json', import.meta.url));

describe('qk-norm against F.layer_norm / RMS / F.normalize over the head dimension (PyTorch 1.13)', () => {
  for (const c of cases) it(`forward and gradients: ${c.name}`, () => checkAffineCase('qk-norm', c));
});

describe('qk-norm', () => {
  it('bounds the logits: normalised q·k over Dh is at most Dh (layer norm) or 1 (l2)', () => {
    tf.tidy(() => {
      const q = tf.mul(tf.randomNormal([1, 2, 3, 8]), 50);
      const k = tf.mul(tf.randomNormal([1, 2, 3, 8]), 50);
      const logits = (kind: 'layer-norm' | 'l2') => tf.matMul(tf.reshape(qkNorm(q, kind), [6, 8]), tf.transpose(tf.reshape(qkNorm(k, kind), [6, 8])));
      expect(tf.max(tf.abs(logits('layer-norm'))).dataSync()[0]!).toBeLessThanOrEqual(8 + 1e-3);
      expect(tf.max(tf.abs(logits('l2'))).dataSync()[0]!).toBeLessThanOrEqual(1 + 1e-5);
    });
  });

  it('leaks nothing; saves and loads', async () => {
    const layer = registry.create('normalization', 'qk-norm', { norm: 'rms-norm' });
    const x = tf.randomNormal([2, 2, 3, 4]);
    tf.tidy(() => void layer.apply(x));
    await expectNoLeak(() => layer.apply(x, { training: true }));
    const { before, after } = await saveLoadRoundTrip(() => registry.create('normalization', 'qk-norm', { norm: 'l2', bias: true }), [3, 4], tf.randomNormal([2, 3, 4]));
    expectTensorsClose(after, before, { rtol: 0, atol: 0 });
    tf.dispose([x, before, after]);
    layer.dispose();
  });
});

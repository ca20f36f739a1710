import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeak, expectTensorsClose, loadFixture } from '@tessera/testing';
import { evoNormS0 } from './evonorm-s0.js';
import { groupNorm } from './group-norm.js';
import { registry, replayCase, saveLoadRoundTrip, type StepCase } from './spec-utils.js';

const { cases } = loadFixture<{ cases: StepCase[] }>(new URL('./__fixtures__/evonorm-s0.json', import.meta.url));

describe('evonorm-s0 against timm EvoNorm2dS0 (restated in PyTorch 1.13)', () => {
  for (const c of cases) {
    it(`${c.name}: forward and grads of x, γ, β, v in training, then inference`, () => {
      expect(replayCase('evonorm-s0', c)).toBe(0);
    });
  }
});

describe('evonorm-s0', () => {
  it('limit case: with v → 0 the activation is x/2, so y = x/(2·group std) — group norm of an uncentred input', () => {
    tf.tidy(() => {
      // group norm centres, so compare on an input whose groups already have zero mean
      const g = tf.reshape(tf.randomNormal([2, 3, 4]), [2, 3, 2, 2]); // [B, T, G, C/G]
      const xc = tf.reshape(tf.sub(g, tf.mean(g, [1, 3], true)), [2, 3, 4]);
      expectTensorsClose(evoNormS0(xc, 2, tf.zeros([4])), tf.div(groupNorm(xc, 2), 2));
    });
  });

  it('groupSize sets G = C / groupSize', () => {
    const a = registry.create('normalization', 'evonorm-s0', { groupSize: 2 });
    const b = registry.create('normalization', 'evonorm-s0', { numGroups: 3 });
    tf.tidy(() => {
      const x = tf.randomNormal([2, 4, 6]);
      expectTensorsClose(a.apply(x) as tf.Tensor, b.apply(x) as tf.Tensor);
    });
    expect(() => registry.create('normalization', 'evonorm-s0').apply(tf.ones([2, 3, 6]))).toThrow(/6 channels must divide into numGroups = 32/);
    a.dispose();
    b.dispose();
  });

  it('leaks nothing; saves and loads', async () => {
    const layer = registry.create('normalization', 'evonorm-s0', { numGroups: 2 });
    const x = tf.randomNormal([2, 3, 4]);
    tf.tidy(() => void layer.apply(x));
    await expectNoLeak(() => layer.apply(x, { training: true }));
    const { before, after } = await saveLoadRoundTrip(() => registry.create('normalization', 'evonorm-s0', { numGroups: 2 }), [3, 4], x);
    expectTensorsClose(after, before, { rtol: 0, atol: 0 });
    tf.dispose([x, before, after]);
    layer.dispose();
  });
});

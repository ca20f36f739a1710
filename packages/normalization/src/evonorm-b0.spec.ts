import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoGrowth, expectTensorsClose, loadFixture } from '@tessera/testing';
import { registry, replayCase, saveLoadRoundTrip, type StepCase } from './spec-utils.js';

const { cases } = loadFixture<{ cases: StepCase[] }>(new URL('./__fixtures__/evonorm-b0.json', import.meta.url));

describe('evonorm-b0 against timm EvoNorm2dB0 (restated in PyTorch 1.13)', () => {
  for (const c of cases) {
    it(`${c.name}: 3 training steps (y, grads of x, γ, β, v; running variance), then inference`, () => {
      expect(replayCase('evonorm-b0', c)).toBe(c.steps.length);
    });
  }
});

describe('evonorm-b0', () => {
  it('applyAct: false is the affine map γ ⊙ x + β', () => {
    const layer = registry.create('normalization', 'evonorm-b0', { applyAct: false });
    tf.tidy(() => {
      const x = tf.randomNormal([2, 3, 4]);
      expectTensorsClose(layer.apply(x, { training: true }) as tf.Tensor, x);
    });
    layer.dispose();
  });

  it('no growth; saves and loads with the running variance', async () => {
    const layer = registry.create('normalization', 'evonorm-b0');
    const x = tf.randomNormal([2, 3, 3, 4]);
    await expectNoGrowth(() => layer.apply(x, { training: true }));
    const { before, after } = await saveLoadRoundTrip(() => registry.create('normalization', 'evonorm-b0'), [5, 4], tf.randomNormal([2, 5, 4]), (l) => {
      tf.tidy(() => void l.apply(tf.randomNormal([2, 5, 4]), { training: true }));
    });
    expectTensorsClose(after, before, { rtol: 0, atol: 0 });
    tf.dispose([x, before, after]);
    layer.dispose();
  });
});

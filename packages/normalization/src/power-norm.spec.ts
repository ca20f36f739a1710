import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoGrowth, expectTensorsClose, fixtureTensor, loadFixture, type FixtureTensor } from '@tessera/testing';
import { groupScaling } from './power-norm.js';
import { rmsNorm } from './rms-norm.js';
import { getWeight, layerGrads, registry, replaySteps, saveLoadRoundTrip, setWeight, type StepRecord } from './spec-utils.js';

interface Case {
  name: string;
  params: Record<string, number>;
  init: { gamma: FixtureTensor; beta: FixtureTensor };
  steps: StepRecord[];
}
const { cases } = loadFixture<{ cases: Case[] }>(new URL('./__fixtures__/power-norm.json', import.meta.url));

describe('power-norm against the official MaskPowerNorm algorithm (re-run in PyTorch 1.13)', () => {
  for (const c of cases) {
    it(`${c.name}: 5 training steps (forward, custom backward, ψ and ν), then inference`, () => {
      const layer = registry.create('normalization', 'power-norm', c.params);
      const x0 = fixtureTensor(c.steps[0]!.x);
      tf.tidy(() => void layer.apply(x0));
      x0.dispose();
      setWeight(layer, 'gamma', fixtureTensor(c.init.gamma));
      setWeight(layer, 'beta', fixtureTensor(c.init.beta));
      const checked = replaySteps(layer, c.steps, {
        kwargs: (step) => (step.mask ? { mask: fixtureTensor(step.mask as FixtureTensor) } : {}),
      });
      expect(checked).toBe(c.steps.length * 2); // running_phi and ema_gz after every call
      tf.tidy(() => expectTensorsClose(getWeight(layer, 'iters'), [5]));
      layer.dispose();
    });
  }
});

describe('power-norm', () => {
  it('GroupScaling with one group is a gain-free RMS norm with ε = 1e-5 inside the root', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([2, 3, 4]);
      expectTensorsClose(groupScaling(x, 1), rmsNorm(x, null, null, 1e-5));
    });
  });

  it('the backward updates ν once per gradient computation, and not in a forward alone', () => {
    const layer = registry.create('normalization', 'power-norm', { warmupIters: 1 });
    const x = tf.randomNormal([2, 3, 4]);
    tf.tidy(() => void layer.apply(x, { training: true }));
    tf.tidy(() => expectTensorsClose(getWeight(layer, 'ema_gz'), tf.zeros([4])));
    const r = layerGrads(layer, x, tf.randomNormal([2, 3, 4]));
    expect(Array.from(getWeight(layer, 'ema_gz').dataSync()).some((v) => v !== 0)).toBe(true);
    tf.dispose([x, r.y, r.dx, ...Object.values(r.grads)]);
    layer.dispose();
  });

  it('no tensor growth over training steps with gradients', async () => {
    const layer = registry.create('normalization', 'power-norm', { warmupIters: 2 });
    const x = tf.randomNormal([2, 3, 4]);
    const dy = tf.randomNormal([2, 3, 4]);
    const mask = tf.tensor2d([[true, true, false], [true, false, false]]);
    await expectNoGrowth(() => {
      const r = layerGrads(layer, x, dy, { training: true, mask });
      return [r.y, r.dx, ...Object.values(r.grads)];
    });
    tf.dispose([x, dy, mask]);
    layer.dispose();
  });

  it('rejects a mask of the wrong shape', () => {
    const layer = registry.create('normalization', 'power-norm');
    expect(() => layer.apply(tf.ones([2, 3, 4]), { training: true, mask: tf.ones([3, 2], 'bool') })).toThrow(/mask must have shape \[2, 3\]/);
  });

  it('saves and loads with ψ and the step counter', async () => {
    const x = tf.randomNormal([2, 3, 4]);
    const { before, after } = await saveLoadRoundTrip(() => registry.create('normalization', 'power-norm', { warmupIters: 1 }), [3, 4], x, (l) => {
      tf.tidy(() => void l.apply(tf.randomNormal([2, 3, 4]), { training: true }));
    });
    expectTensorsClose(after, before, { rtol: 0, atol: 0 });
    tf.dispose([x, before, after]);
  });
});

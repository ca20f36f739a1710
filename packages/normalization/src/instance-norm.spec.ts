import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoGrowth, expectTensorsClose, fixtureTensor, loadFixture, type FixtureTensor } from '@tessera/testing';
import { groupNorm } from './group-norm.js';
import { instanceNorm } from './instance-norm.js';
import { registry, replaySteps, saveLoadRoundTrip, setWeight, type StepRecord } from './spec-utils.js';

interface Case {
  name: string;
  params: { affine: boolean; trackRunningStats: boolean };
  init: { gamma?: FixtureTensor; beta?: FixtureTensor };
  steps: StepRecord[];
}
const { cases } = loadFixture<{ cases: Case[] }>(new URL('./__fixtures__/instance-norm.json', import.meta.url));

describe('instance-norm against nn.InstanceNorm1d/2d (PyTorch 1.13): training steps, then inference', () => {
  for (const c of cases) {
    it(c.name, () => {
      const layer = registry.create('normalization', 'instance-norm', c.params);
      const x0 = fixtureTensor(c.steps[0]!.x);
      tf.tidy(() => void layer.apply(x0));
      x0.dispose();
      if (c.init.gamma) setWeight(layer, 'gamma', fixtureTensor(c.init.gamma));
      if (c.init.beta) setWeight(layer, 'beta', fixtureTensor(c.init.beta));
      const checked = replaySteps(layer, c.steps);
      expect(checked).toBe(c.params.trackRunningStats ? c.steps.length * 2 : 0);
      layer.dispose();
    });
  }
});

describe('instance-norm', () => {
  it('equals group norm with one channel per group', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([2, 3, 3, 4]);
      expectTensorsClose(instanceNorm(x), groupNorm(x, 4));
    });
  });

  it('no growth over training steps with running statistics; saves and loads', async () => {
    const layer = registry.create('normalization', 'instance-norm', { trackRunningStats: true, affine: true });
    const x = tf.randomNormal([2, 5, 3]);
    await expectNoGrowth(() => layer.apply(x, { training: true }));
    const { before, after } = await saveLoadRoundTrip(() => registry.create('normalization', 'instance-norm', { trackRunningStats: true }), [5, 3], x, (l) => {
      tf.tidy(() => void l.apply(tf.randomNormal([2, 5, 3]), { training: true }));
    });
    expectTensorsClose(after, before, { rtol: 0, atol: 0 });
    tf.dispose([x, before, after]);
    layer.dispose();
  });
});

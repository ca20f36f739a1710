import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoGrowth, expectTensorsClose, fixtureTensor, loadFixture, type FixtureTensor } from '@tessera/testing';
import { unifiedNorm } from './unified-norm.js';
import { getWeight, layerGrads, registry, replaySteps, saveLoadRoundTrip, setWeight, type StepRecord } from './spec-utils.js';

interface Case {
  name: string;
  params: Record<string, unknown>;
  init: { gamma: FixtureTensor; beta: FixtureTensor };
  steps: StepRecord[];
  skips: number;
}
const { cases } = loadFixture<{ cases: Case[] }>(new URL('./__fixtures__/unified-norm.json', import.meta.url));

describe('unified-norm against the official UN1d algorithm (re-run in PyTorch 1.13)', () => {
  for (const c of cases) {
    it(`${c.name}: 7 training steps (forward, custom backward, windows, EMAs), then inference`, () => {
      const layer = registry.create('normalization', 'unified-norm', c.params);
      const x0 = fixtureTensor(c.steps[0]!.x);
      tf.tidy(() => void layer.apply(x0));
      x0.dispose();
      setWeight(layer, 'gamma', fixtureTensor(c.init.gamma));
      setWeight(layer, 'beta', fixtureTensor(c.init.beta));
      const checked = replaySteps(layer, c.steps, {
        kwargs: (step) => (step.mask ? { mask: fixtureTensor(step.mask as FixtureTensor) } : {}),
      });
      expect(checked).toBe(c.steps.length * 5); // running_var, ema_gz, buffer_x2, buffer_gz, skip_counter
      tf.tidy(() => expectTensorsClose(getWeight(layer, 'skip_counter'), [c.skips]));
      layer.dispose();
    });
  }
  it('the fixtures cover the outlier-skip path', () => {
    expect(cases.some((c) => c.skips > 0)).toBe(true);
  });
});

describe('unified-norm', () => {
  it('inference is x/√(σ̂² + ε) with the running variance (closed form at init: σ̂² = 1)', () => {
    const layer = registry.create('normalization', 'unified-norm');
    tf.tidy(() => {
      const x = tf.randomNormal([2, 3, 4]);
      expectTensorsClose(layer.apply(x) as tf.Tensor, tf.div(x, Math.sqrt(1 + 1e-5)));
      expectTensorsClose(unifiedNorm(x, tf.fill([4], 4)), tf.div(x, Math.sqrt(4 + 1e-5)));
    });
    layer.dispose();
  });

  it('no tensor growth over training steps with gradients, past warm-up', async () => {
    const layer = registry.create('normalization', 'unified-norm', { windowSize: 2, warmupIters: 1, compensationWarmup: 1, outlierFiltration: true });
    const x = tf.randomNormal([2, 3, 4]);
    const dy = tf.randomNormal([2, 3, 4]);
    await expectNoGrowth(() => {
      const r = layerGrads(layer, x, dy);
      return [r.y, r.dx, ...Object.values(r.grads)];
    }, { warmup: 3 });
    tf.dispose([x, dy]);
    layer.dispose();
  });

  it('saves and loads with its windows and counters', async () => {
    const x = tf.randomNormal([2, 3, 4]);
    const { before, after } = await saveLoadRoundTrip(() => registry.create('normalization', 'unified-norm', { windowSize: [3, 2] }), [3, 4], x, (l) => {
      tf.tidy(() => void l.apply(tf.randomNormal([2, 3, 4]), { training: true }));
    });
    expectTensorsClose(after, before, { rtol: 0, atol: 0 });
    tf.dispose([x, before, after]);
  });
});

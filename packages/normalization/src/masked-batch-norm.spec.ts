import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoGrowth, expectTensorsClose, loadFixture } from '@tessera/testing';
import { expectTensorsClose as close, fixtureTensor, type FixtureTensor } from '@tessera/testing';
import { maskedBatchNorm } from './masked-batch-norm.js';
import { registry, replayCase, saveLoadRoundTrip, type StepCase } from './spec-utils.js';

const { cases } = loadFixture<{ cases: StepCase[] }>(new URL('./__fixtures__/masked-batch-norm.json', import.meta.url));

describe('masked-batch-norm against nn.BatchNorm1d on the real tokens (PyTorch 1.13)', () => {
  for (const c of cases) {
    it(`${c.name}: 3 training steps (y, grads, running stats), then inference`, () => {
      expect(replayCase('masked-batch-norm', c)).toBe(c.steps.length * 2);
    });
  }
});

describe('masked-batch-norm', () => {
  it('functional form equals the fixture’s first training output', () => {
    const c = cases[0]!;
    const s = c.steps[0]!;
    tf.tidy(() =>
      close(
        maskedBatchNorm(fixtureTensor(s.x), fixtureTensor(s.mask as FixtureTensor), fixtureTensor(c.init.gamma!), fixtureTensor(c.init.beta!)),
        fixtureTensor(s.y),
      ),
    );
  });

  it('padded tokens do not move the statistics', () => {
    const a = registry.create('normalization', 'masked-batch-norm');
    const b = registry.create('normalization', 'masked-batch-norm');
    tf.tidy(() => {
      const x = tf.randomNormal([2, 3, 4]);
      const mask = tf.tensor2d([[true, true, false], [true, false, false]]);
      const noisy = tf.where(tf.expandDims(mask, -1), x, tf.mul(x, 100)); // change only the pads
      const ya = a.apply(x, { training: true, mask }) as tf.Tensor;
      const yb = b.apply(noisy, { training: true, mask }) as tf.Tensor;
      const keep = tf.expandDims(mask, -1);
      expectTensorsClose(tf.where(keep, ya, 0), tf.where(keep, yb, 0));
      expectTensorsClose(a.getWeights()[2]!, b.getWeights()[2]!); // running_mean
    });
    a.dispose();
    b.dispose();
  });

  it('no growth; saves and loads', async () => {
    const layer = registry.create('normalization', 'masked-batch-norm');
    const x = tf.randomNormal([2, 3, 4]);
    const mask = tf.tensor2d([[true, true, false], [true, true, true]]);
    await expectNoGrowth(() => layer.apply(x, { training: true, mask }));
    const { before, after } = await saveLoadRoundTrip(() => registry.create('normalization', 'masked-batch-norm'), [3, 4], x, (l) => {
      tf.tidy(() => void l.apply(tf.randomNormal([2, 3, 4]), { training: true }));
    });
    expectTensorsClose(after, before, { rtol: 0, atol: 0 });
    tf.dispose([x, mask, before, after]);
    layer.dispose();
  });
});

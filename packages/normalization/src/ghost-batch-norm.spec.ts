import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoGrowth, expectTensorsClose, loadFixture } from '@tessera/testing';
import { fixtureTensor } from '@tessera/testing';
import { ghostBatchNorm, ghostChunks } from './ghost-batch-norm.js';
import { registry, replayCase, saveLoadRoundTrip, type StepCase } from './spec-utils.js';

const { cases } = loadFixture<{ cases: StepCase[] }>(new URL('./__fixtures__/ghost-batch-norm.json', import.meta.url));

describe('ghost-batch-norm against torch.cat([bn(c) for c in x.chunk(k)]) (PyTorch 1.13)', () => {
  for (const c of cases) {
    it(`${c.name}: 3 training steps (one running update per ghost batch), then inference`, () => {
      expect(replayCase('ghost-batch-norm', c)).toBe(c.steps.length * 2);
    });
  }
});

describe('ghost-batch-norm', () => {
  it('functional form equals the fixture’s first training output', () => {
    const c = cases[0]!;
    const s = c.steps[0]!;
    tf.tidy(() => expectTensorsClose(ghostBatchNorm(fixtureTensor(s.x), c.params.virtualBatchSize as number, fixtureTensor(c.init.gamma!), fixtureTensor(c.init.beta!)), fixtureTensor(s.y)));
  });

  it('chunks as torch.chunk(x, ceil(B / B_g))', () => {
    expect(ghostChunks(8, 3)).toEqual([3, 3, 2]);
    expect(ghostChunks(10, 4)).toEqual([4, 4, 2]);
    expect(ghostChunks(7, 2)).toEqual([2, 2, 2, 1]);
    expect(ghostChunks(4, 8)).toEqual([4]);
  });

  it('a batch within one ghost batch is plain batch norm', () => {
    const g = registry.create('normalization', 'ghost-batch-norm', { virtualBatchSize: 16 });
    const b = registry.create('normalization', 'batch-norm');
    tf.tidy(() => {
      const x = tf.randomNormal([6, 3]);
      expectTensorsClose(g.apply(x, { training: true }) as tf.Tensor, b.apply(x, { training: true }) as tf.Tensor);
      expectTensorsClose(g.getWeights()[3]!, b.getWeights()[3]!);
    });
    g.dispose();
    b.dispose();
  });

  it('no growth; saves and loads', async () => {
    const layer = registry.create('normalization', 'ghost-batch-norm', { virtualBatchSize: 2 });
    const x = tf.randomNormal([4, 3, 4]);
    await expectNoGrowth(() => layer.apply(x, { training: true }));
    const { before, after } = await saveLoadRoundTrip(() => registry.create('normalization', 'ghost-batch-norm', { virtualBatchSize: 2 }), [3, 4], x, (l) => {
      tf.tidy(() => void l.apply(tf.randomNormal([4, 3, 4]), { training: true }));
    });
    expectTensorsClose(after, before, { rtol: 0, atol: 0 });
    tf.dispose([x, before, after]);
    layer.dispose();
  });
});

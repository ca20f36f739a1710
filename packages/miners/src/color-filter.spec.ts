import * as tf from '@tensorflow/tfjs-core';
import type { FrozenModel } from '@tessera/core';
import { expectTensorsClose, fixtureTensor, type FixtureTensor } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { colorFilter } from './color-filter.js';
import { cases, inputsOf } from './spec-helpers.js';
import { classification, fakeContext, mlp, trainer } from './spec-trainer.js';

describe('callback color-filter', () => {
  for (const c of cases('color-filter')) {
    it(`scores L_prior − L_cond and keeps the top ⌈N/τ⌉ as torch does: ${c.name}`, () => {
      const { labels, ...fields } = inputsOf(c);
      const batch = { x: labels!, y: labels!, fields, size: labels!.shape[0]! };
      const cb = colorFilter.create(c.params);
      expectTensorsClose(cb.score(batch), fixtureTensor(c.expected['score'] as FixtureTensor));
      const { ctx } = fakeContext([]);
      expect(Array.from(cb.reweight!(ctx as never, tf.zeros([batch.size]), batch).dataSync())).toEqual(Array.from(fixtureTensor(c.expected['mask'] as FixtureTensor).dataSync()));
    });
  }

  it('trains with two frozen auxiliary models given to the trainer', async () => {
    const data = classification(48);
    const target = mlp(3);
    const prior = mlp(4);
    const cond = mlp(5);
    const frozen = (name: string, m: ReturnType<typeof mlp>): FrozenModel => ({ name, output: `${name}Logits`, cache: false, forward: (x) => m.forward(x, { training: false }) as tf.Tensor });
    const cb = colorFilter.create({ tau: 4 });
    const res = await trainer().fit({ model: target, data, loss: 'cross-entropy', optimizer: tf.train.sgd(0.1), callbacks: [cb], frozenModels: [frozen('prior', prior), frozen('conditional', cond)], epochs: 1, batchSize: 16 });
    expect(res.steps).toBe(3);
    expect(Number.isFinite(res.final['loss']!)).toBe(true);
    tf.dispose([...target.vars, ...prior.vars, ...cond.vars, data.x, data.y]);
  });

  it('names the missing field', () => {
    const { ctx } = fakeContext([]);
    const y = tf.tensor1d([0, 1], 'int32');
    expect(() => colorFilter.create().reweight!(ctx as never, tf.zeros([2]), { x: y, y, size: 2, fields: {} })).toThrow(/priorLogits/);
  });
});

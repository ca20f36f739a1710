import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, pluginModule, z } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { largeBatchRegime, largeBatchRegimeCallback } from './large-batch-regime.js';
import { classification, mlp, trainer } from './spec-trainer.js';

const constant = definePlugin({
  kind: 'schedule', name: 'test-constant-lbr', summary: 'Constant 0.1 (test).', params: z.strictObject({}),
  create: (_p, manifest) => ({ manifest, valueAt: () => 0.1 }),
});

describe('callback large-batch-regime', () => {
  it('derives √(B_L/B_S), ⌈E_S·B_L/B_S⌉ epochs and ghost batches of B_S', () => {
    const r = largeBatchRegime({ smallBatchSize: 128, largeBatchSize: 4096, smallEpochs: 10, lrScaling: 'sqrt' });
    expect(r.lrMultiplier).toBeCloseTo(Math.sqrt(32), 12);
    expect(r.epochs).toBe(320);
    expect(r.ghostBatchSize).toBe(128);
    expect(r.stepsPerEpoch(50_000)).toBe(13);
    expect(largeBatchRegime({ smallBatchSize: 32, largeBatchSize: 256, smallEpochs: 3, lrScaling: 'linear' }).lrMultiplier).toBe(8);
  });

  it('the optimizer trains with lr × √(B_L/B_S), with and without a schedule', async () => {
    const data = classification(32);
    for (const withSchedule of [false, true]) {
      const model = mlp(7);
      const optimizer = tf.train.sgd(0.1);
      const seen: number[] = [];
      const spy = { afterStep: () => void seen.push((optimizer as unknown as { learningRate: number }).learningRate) };
      const cb = largeBatchRegimeCallback.create({ smallBatchSize: 8, largeBatchSize: 32 });
      await trainer(pluginModule(constant)).fit({ model, data, loss: 'cross-entropy', optimizer, callbacks: [cb, spy], epochs: 2, batchSize: 32, ...(withSchedule ? { schedule: 'test-constant-lbr' } : {}) });
      expect(seen).toHaveLength(2);
      seen.forEach((lr) => expect(lr).toBeCloseTo(0.1 * 2, 6));
      tf.dispose(model.vars);
    }
    tf.dispose([data.x, data.y]);
  });

  it('rejects a large batch smaller than the small one', () => {
    expect(() => largeBatchRegimeCallback.create({ smallBatchSize: 256, largeBatchSize: 128 })).toThrow(/largeBatchSize/);
  });
});

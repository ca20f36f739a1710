import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { TrainableModel } from '@tessera/core';
import { infoNce } from '@tessera/losses';
import { expectNoGrowth } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { crossBatchMemory } from './cross-batch-memory.js';
import { trainer } from './spec-trainer.js';
import { withMiners } from './with-miners.js';

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('miner cross-batch-memory', () => {
  it('mines the K most similar bank entries of another group, FIFO over memorySize, no gradient into the bank', () => {
    const xbm = crossBatchMemory.create({ memorySize: 4, numNegatives: 2 });
    const e1 = tf.tensor2d([[1, 0], [0, 1]]);
    const first = xbm.mine({ embeddings: e1, positives: e1, labels: tf.tensor1d([0, 1], 'int32') });
    expect(values(first['weights']!)).toEqual([0, 0]); // empty bank: incomplete rows
    expect(xbm.size).toBe(2);
    const e2 = tf.tensor2d([[0.9, 0.1], [-1, 0]]);
    xbm.mine({ embeddings: e2, positives: e2, labels: tf.tensor1d([2, 3], 'int32') });
    expect(xbm.size).toBe(4);
    // Bank: [1,0] (0), [0,1] (1), [0.9,0.1] (2), [-1,0] (3). Anchor [1, 0.05] of group 2 (its own entry excluded).
    const q = tf.tensor2d([[1, 0.05]]);
    const out = xbm.mine({ embeddings: q, positives: q, labels: tf.tensor1d([2], 'int32') });
    expect(values(out['negativeIndices']!)).toEqual([0, 1]);
    expect(values(out['weights']!)).toEqual([1]);
    expect(xbm.size).toBe(4); // FIFO: the oldest entry left
    const g = tf.grad((x: tf.Tensor) => tf.add(tf.sum(xbm.mine({ embeddings: x, labels: tf.tensor1d([9], 'int32') })['negatives']!), tf.mul(0, tf.sum(x))))(q);
    expect(values(g)).toEqual([0, 0]);
  });

  it('its bank is saved in checkpoints through withMiners and the step does not grow memory', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xbm-'));
    const w = tf.variable(tf.randomNormal([4, 3], 0, 1, 'float32', 1), true, 'xbm-w');
    const model: TrainableModel = {
      trainableVariables: [w],
      forward: (x) => {
        const { a, p } = x as Record<string, tf.Tensor>;
        return { embeddings: tf.matMul(a!, w), positives: tf.matMul(p!, w) };
      },
    };
    const a = tf.randomNormal([32, 4], 0, 1, 'float32', 2);
    const p = tf.add(a, tf.randomNormal([32, 4], 0, 0.1, 'float32', 3));
    const sampleIds = tf.range(0, 32, 1, 'int32');
    const xbm = crossBatchMemory.create({ memorySize: 16, numNegatives: 2 });
    const loss = withMiners(infoNce.create({ temperature: 0.1 }), xbm);
    const fit = (resume: boolean, l = loss) => trainer().fit({ model, data: { x: { a, p }, fields: { sampleIds } }, loss: l, optimizer: tf.train.sgd(0.05), epochs: 2, batchSize: 8, checkpoint: { dir, resume } });
    await fit(false);
    expect(xbm.size).toBe(16);
    const saved = values(xbm.getState()['bank']!);
    const fresh = crossBatchMemory.create({ memorySize: 16, numNegatives: 2 });
    const res = await fit(true, withMiners(infoNce.create({ temperature: 0.1 }), fresh));
    expect(res.resumedFrom).toBe(8);
    expect(values(fresh.getState()['bank']!)).toEqual(saved);
    await expectNoGrowth(() => tf.tidy(() => loss.compute({ embeddings: tf.matMul(a, w), positives: tf.matMul(p, w), sampleIds })));
    tf.dispose([w, a, p, sampleIds]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkpoint, loadWeights } from './checkpoint.js';
import { classification, mlp, trainer } from './spec-trainer.js';

describe('callback checkpoint', () => {
  it('saves weights every epoch; loadWeights restores them exactly', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ckcb-'));
    const model = mlp(41);
    const data = classification();
    const cb = checkpoint.create({ dir, keep: 10 });
    await trainer().fit({ model, data, loss: 'cross-entropy', optimizer: tf.train.sgd(0.1), callbacks: [cb], epochs: 3, batchSize: 32 });
    expect(cb.saved).toHaveLength(3);
    const final = model.vars.map((v) => Array.from(v.dataSync()));
    const fresh = mlp(99);
    const meta = await loadWeights(cb.saved.at(-1)!, fresh.vars);
    expect(fresh.vars.map((v) => Array.from(v.dataSync()))).toEqual(final);
    expect(meta['step']).toBe(9);
    tf.dispose([...model.vars, ...fresh.vars, data.x, data.y]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('saveBestOnly writes only on improvement of the monitored metric; saveFreq in steps', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ckcb-'));
    const model = mlp(42);
    const data = classification();
    // lr 0: the loss never improves after the first epoch.
    const best = checkpoint.create({ dir: path.join(dir, 'best'), monitor: 'loss', saveBestOnly: true, keep: 10 });
    const steps = checkpoint.create({ dir: path.join(dir, 'steps'), saveFreq: 2, keep: 10 });
    await trainer().fit({ model, data, loss: 'cross-entropy', optimizer: tf.train.sgd(0), callbacks: [best, steps], epochs: 3, batchSize: 32, shuffle: false });
    expect(best.saved).toHaveLength(1);
    expect(steps.saved).toHaveLength(4); // steps 2, 4, 6, 8 of 9
    await expect(loadWeights(best.saved[0]!, model.vars.slice(0, 2))).rejects.toThrow(/holds 4 variables/);
    tf.dispose([...model.vars, data.x, data.y]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

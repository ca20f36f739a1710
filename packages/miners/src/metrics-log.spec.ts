import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { metricsLog } from './metrics-log.js';
import { classification, mlp, trainer } from './spec-trainer.js';

describe('callback metrics-log', () => {
  it('writes one CSV row per epoch with a header (Keras CSVLogger), truncating unless append', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlog-'));
    const file = path.join(dir, 'm.csv');
    const model = mlp(61);
    const data = classification();
    for (const append of [false, false, true]) {
      await trainer().fit({ model, data, validation: data, loss: 'cross-entropy', optimizer: tf.train.sgd(0.1), callbacks: [metricsLog.create({ path: file, append })], epochs: 2, batchSize: 48 });
    }
    const rows = fs.readFileSync(file, 'utf8').trim().split('\n');
    // Two runs (the second truncated the first, the third appended): two header lines, four data rows.
    expect(rows.filter((r) => r.startsWith('epoch,step'))).toHaveLength(2);
    expect(rows).toHaveLength(6);
    const header = rows[0]!.split(',');
    expect(header).toEqual(expect.arrayContaining(['epoch', 'step', 'loss', 'val_loss', 'val_accuracy']));
    const first = rows[1]!.split(',');
    expect(Number(first[header.indexOf('epoch')])).toBe(0);
    expect(Number(first[header.indexOf('step')])).toBe(2);
    expect(Number.isFinite(Number(first[header.indexOf('val_loss')]))).toBe(true);
    tf.dispose([...model.vars, data.x, data.y]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes JSON lines for .jsonl, with step rows every N steps', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlog-'));
    const file = path.join(dir, 'm.jsonl');
    const model = mlp(62);
    const data = classification();
    await trainer().fit({ model, data, loss: 'cross-entropy', optimizer: tf.train.sgd(0.1), callbacks: [metricsLog.create({ path: file, everySteps: 1 })], epochs: 2, batchSize: 32 });
    const rows = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.filter((r) => r['split'] === 'step')).toHaveLength(6);
    expect(rows.filter((r) => r['split'] === 'epoch').map((r) => r['epoch'])).toEqual([0, 1]);
    tf.dispose([...model.vars, data.x, data.y]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

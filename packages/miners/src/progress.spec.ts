import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { progress } from './progress.js';
import { classification, mlp, trainer } from './spec-trainer.js';

describe('callback progress', () => {
  it('prints a line every N steps and one per epoch', async () => {
    const model = mlp(51);
    const data = classification();
    const cb = progress.create({ everySteps: 2, prefix: '[run] ' });
    const lines: string[] = [];
    cb.write = (l) => lines.push(l);
    await trainer().fit({ model, data, loss: 'cross-entropy', optimizer: tf.train.sgd(0.1), callbacks: [cb], epochs: 2, batchSize: 32 });
    expect(lines.filter((l) => l.includes(' step ') || l.startsWith('[run] step'))).toHaveLength(3 + 2);
    expect(lines.filter((l) => l.startsWith('[run] step'))).toEqual(['[run] step 2', '[run] step 4', '[run] step 6'].map((s) => expect.stringContaining(s)));
    expect(lines.filter((l) => l.includes('done'))).toHaveLength(2);
    expect(lines.every((l) => l.startsWith('[run] '))).toBe(true);
    expect(lines[0]).toMatch(/loss \d+\.\d{4}/);
    tf.dispose([...model.vars, data.x, data.y]);
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose, fixtureTensor, loadFixture, type FixtureTensor } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { eata } from './eata.js';
import { classification, mlp, trainer } from './spec-trainer.js';

type Fx = { cases: { name: string; params: Record<string, number>; steps: { logits: FixtureTensor; weights: FixtureTensor; probs: FixtureTensor | null }[] }[] };
const fx = loadFixture<Fx>(new URL('./__fixtures__/eata.json', import.meta.url)).cases;

describe('callback eata', () => {
  for (const c of fx) {
    it(`selection, weights exp(E0 − E) and the p̄ moving average match EATA: ${c.name}`, () => {
      const cb = eata.create(c.params);
      for (const s of c.steps) {
        const w = cb.weights(fixtureTensor(s.logits));
        expectTensorsClose(w, fixtureTensor(s.weights));
        if (s.probs) expectTensorsClose(cb.probs!, fixtureTensor(s.probs));
        w.dispose();
      }
      const state = cb.getState!();
      const restored = eata.create(c.params);
      restored.setState!(state);
      expectTensorsClose(restored.probs!, cb.probs!);
    });
  }

  it('keeps the redundancy filter off until a batch keeps a sample (EATA: p̄ = None)', () => {
    const cb = eata.create({ entropyMargin: 1e-6 });
    const confident = tf.tensor2d([[20, 0, 0], [0, 20, 0]]);
    expect(Array.from(cb.weights(tf.tensor2d([[0, 0, 0], [1, 0, 0]])).dataSync())).toEqual([0, 0]);
    expect(Array.from(cb.probs!.dataSync()).every(Number.isNaN)).toBe(true);
    const loose = eata.create({ entropyMargin: 0.1 });
    expect(Array.from(loose.weights(confident).dataSync()).every((v) => v > 0)).toBe(true);
  });

  it('in a fit: recomputes the logits off the tape and skips steps that keep nothing', async () => {
    const model = mlp(17);
    const data = classification(32);
    const res = await trainer().fit({ model, data, loss: 'cross-entropy', optimizer: tf.train.sgd(0.1), callbacks: [eata.create({ entropyMargin: 1e-9 })], epochs: 1, batchSize: 16 });
    expect(res.steps).toBe(0);
    expect(res.skipped).toHaveLength(2);
    const res2 = await trainer().fit({ model, data, loss: 'cross-entropy', optimizer: tf.train.sgd(0.1), callbacks: [eata.create({ entropyMargin: 10, dMargin: 1 })], epochs: 1, batchSize: 16 });
    expect(res2.steps).toBe(2);
    tf.dispose([...model.vars, data.x, data.y]);
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { emaSwap } from './ema-swap.js';
import { classification, fakeContext, mlp, trainer } from './spec-trainer.js';

describe('callback ema-swap', () => {
  it('averages θ̄ ← βθ̄ + (1−β)θ (copying before startStep), swaps for evaluation, keeps θ̄ at the end', () => {
    const w = tf.variable(tf.tensor1d([0, 10]));
    const { ctx, state } = fakeContext([w]);
    const cb = emaSwap.create({ decay: 0.9, startStep: 2 });
    cb.onTrainBegin!(ctx as never);
    let avg = [0, 10];
    const thetas = [
      [1, 9],
      [2, 8],
      [4, 4],
      [8, 0],
    ];
    thetas.forEach((theta, i) => {
      state.step = i + 1;
      w.assign(tf.tensor1d(theta));
      cb.afterStep!(ctx as never, {});
      const beta = state.step < 2 ? 0 : 0.9;
      avg = avg.map((a, j) => beta * a + (1 - beta) * theta[j]!);
      Array.from(cb.average()[0]!.dataSync()).forEach((v, j) => expect(v).toBeCloseTo(avg[j]!, 5));
    });
    cb.onEvaluateBegin!(ctx as never);
    Array.from(w.dataSync()).forEach((v, j) => expect(v).toBeCloseTo(avg[j]!, 5));
    cb.onEvaluateEnd!(ctx as never, {});
    expect(Array.from(w.dataSync())).toEqual([8, 0]);
    cb.onTrainEnd!(ctx as never);
    Array.from(w.dataSync()).forEach((v, j) => expect(v).toBeCloseTo(avg[j]!, 5));
    tf.dispose([w, ...cb.average()]);
  });

  it('in a fit, validation metrics are the average\'s and no tensor accumulates', async () => {
    const model = mlp(71);
    const data = classification();
    const cb = emaSwap.create({ decay: 0.5 });
    const seen: number[][] = [];
    const spy = { onEvaluateBegin: () => void seen.push(Array.from(model.vars[0]!.dataSync())) };
    await trainer().fit({ model, data, validation: data, loss: 'cross-entropy', optimizer: tf.train.sgd(0.1), callbacks: [cb, spy], epochs: 1, batchSize: 32 });
    expect(seen).toHaveLength(1);
    seen[0]!.forEach((v, j) => expect(v).toBeCloseTo(cb.average()[0]!.dataSync()[j]!, 6));
    const optimizer = tf.train.sgd(0.1); // holds one kept tensor (its learning rate)
    const before = tf.memory().numTensors;
    await trainer().fit({ model, data, loss: 'cross-entropy', optimizer, callbacks: [cb], epochs: 2, batchSize: 32 });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([...model.vars, data.x, data.y, ...cb.average()]);
  });
});

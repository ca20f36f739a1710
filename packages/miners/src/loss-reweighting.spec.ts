import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeak, expectTensorsClose } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { lossReweighting } from './loss-reweighting.js';
import { classification, fakeContext, mlp, trainer } from './spec-trainer.js';

const losses = [0.5, 2, 0.1, 1.2, 3, 0.7];

describe('callback loss-reweighting', () => {
  it('softmax: w = N·softmax(ℓ/λ) (ABSGD), uniform as λ → ∞', () => {
    const { ctx } = fakeContext([]);
    const l = tf.tensor1d(losses);
    const z = losses.reduce((s, v) => s + Math.exp(v / 2), 0);
    expectTensorsClose(lossReweighting.create({ temperature: 2 }).reweight!(ctx as never, l, { x: l, size: 6 }), losses.map((v) => (6 * Math.exp(v / 2)) / z));
    expectTensorsClose(lossReweighting.create({ temperature: 1e6 }).reweight!(ctx as never, l, { x: l, size: 6 }), new Array(6).fill(1), { rtol: 1e-4 });
  });

  it('ohem keeps the ⌈r·N⌉ largest losses; self-paced keeps ℓ < λ·growth^epoch', () => {
    const l = tf.tensor1d(losses);
    const { ctx, state } = fakeContext([]);
    expect(Array.from(lossReweighting.create({ mode: 'ohem', keepRatio: 0.4 }).reweight!(ctx as never, l, { x: l, size: 6 }).dataSync())).toEqual([0, 1, 0, 0, 1, 0].map((v, i) => (i === 3 ? 1 : v)));
    const spl = lossReweighting.create({ mode: 'self-paced', threshold: 0.6, growth: 2 });
    expect(Array.from(spl.reweight!(ctx as never, l, { x: l, size: 6 }).dataSync())).toEqual([1, 0, 1, 0, 0, 0]);
    state.epoch = 1; // λ = 1.2: 1.2 itself is not below it
    expect(Array.from(spl.reweight!(ctx as never, l, { x: l, size: 6 }).dataSync())).toEqual([1, 0, 1, 0, 0, 1]);
  });

  it('in a fit: the step is Σwℓ/Σw (checked against a hand-weighted loss) and the weights take no gradient', async () => {
    const data = classification(32);
    // One step of SGD with OHEM equals one step on the mean loss of the selected half.
    const a = mlp(91);
    const b = mlp(91);
    await trainer().fit({ model: a, data, loss: 'cross-entropy', optimizer: tf.train.sgd(0.5), callbacks: [lossReweighting.create({ mode: 'ohem', keepRatio: 0.5 })], epochs: 1, batchSize: 32, shuffle: false });
    const per = tf.tidy(() => {
      const logits = b.forward(data.x, { training: true }) as tf.Tensor;
      return tf.sub(tf.logSumExp(logits, 1), tf.sum(tf.mul(tf.oneHot(data.y, 3), logits), 1));
    });
    const keep = Array.from(tf.topk(per, 16).indices.dataSync());
    const idx = tf.tensor1d(keep, 'int32');
    await trainer().fit({ model: b, data: { x: tf.gather(data.x, idx), y: tf.gather(data.y, idx) }, loss: 'cross-entropy', optimizer: tf.train.sgd(0.5), epochs: 1, batchSize: 16, shuffle: false });
    a.vars.forEach((v, i) => expectTensorsClose(v, b.vars[i]!, { rtol: 1e-4, atol: 1e-6 }));
    const { ctx } = fakeContext([]);
    await expectNoLeak(() => lossReweighting.create({ mode: 'ohem' }).reweight!(ctx as never, per, { x: per, size: 32 }));
    tf.dispose([...a.vars, ...b.vars, data.x, data.y, per, idx]);
  });
});

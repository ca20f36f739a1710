// The pruning callbacks with Tessera's own optimizers (state replaced through getWeights/setWeights).
import * as tf from '@tensorflow/tfjs-core';
import optimizers from '@tessera/optimizers/module';
import { describe, expect, it } from 'vitest';
import { gradualMagnitudePruning } from './gradual-magnitude-pruning.js';
import { granetRegrow } from './granet-regrow.js';
import { lotteryTicketRewind } from './lottery-ticket-rewind.js';
import { slotOf } from './weight-masks.js';
import { classification, mlp, trainer } from './spec-trainer.js';

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('pruning with @tessera/optimizers', () => {
  for (const [name, params] of [
    ['adamw', { learningRate: 0.01, weightDecay: 0.01 }],
    ['sgd', { learningRate: 0.05, momentum: 0.9, nesterov: true }],
  ] as const) {
    for (const make of [
      () => gradualMagnitudePruning.create({ finalSparsity: 0.7, endStep: 8, frequency: 2 }),
      () => granetRegrow.create({ finalDensity: 0.3, endStep: 8, frequency: 2, tMax: 12 }),
      () => lotteryTicketRewind.create({ roundSteps: 4, pruneRate: 0.5 }),
    ]) {
      const cb = make();
      it(`${cb.manifest!.name} with ${name}: masked weights and every optimizer slot stay exactly zero; no tensor growth`, async () => {
        const model = mlp(23);
        const data = classification(48);
        const t = trainer(optimizers);
        const optimizer = t.registry.create('optimizer', name, params) as tf.Optimizer;
        const spy = {
          async afterStep() {
            for (const v of model.vars) {
              const m = cb.masks.masks.get(v.name);
              if (!m) continue;
              const mv = values(m);
              values(v).forEach((x, i) => mv[i] === 0 && expect(x === 0).toBe(true));
              const slots = (await optimizer.getWeights()).filter((w) => w.tensor.size === v.size && slotOf(w.name, v.name));
              expect(slots.length, `optimizer slots of ${v.name}`).toBeGreaterThan(0);
              for (const s of slots) values(s.tensor).forEach((x, i) => mv[i] === 0 && expect(x === 0, `${s.name}[${i}]`).toBe(true));
            }
          },
        };
        await t.fit({ model, data, loss: 'cross-entropy', optimizer, callbacks: [cb, spy], epochs: 2, batchSize: 16 });
        const n = tf.memory().numTensors;
        await t.fit({ model, data, loss: 'cross-entropy', optimizer, callbacks: [cb], epochs: 2, batchSize: 16 });
        expect(tf.memory().numTensors).toBe(n);
        tf.dispose([...model.vars, data.x, data.y]);
      });
    }
  }
});

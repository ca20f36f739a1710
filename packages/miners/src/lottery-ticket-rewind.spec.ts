import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { lotteryTicketRewind } from './lottery-ticket-rewind.js';
import { classification, mlp, trainer } from './spec-trainer.js';

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('callback lottery-ticket-rewind', () => {
  it('one round per fit: prunes ⌈p·remaining⌉, rewinds the survivors to θ_0 exactly, masks grow monotonically', async () => {
    const model = mlp(11);
    const data = classification();
    const init = model.vars.map((v) => tf.clone(v));
    const lth = lotteryTicketRewind.create({ pruneRate: 0.2 });
    const prunable = 6 * 8 + 8 * 3;
    let remaining = prunable;
    let prevMask: number[] | undefined;
    for (let round = 0; round < 4; round++) {
      let checked = false;
      const spy = {
        onTrainBegin() {
          // Runs after the ticket's onTrainBegin: the rewound, masked weights.
          if (round === 0) return;
          remaining -= Math.ceil(0.2 * remaining);
          const masks = [0, 2].map((i) => values(lth.masks.masks.get(model.vars[i]!.name)!));
          const flat = masks.flat();
          expect(flat.filter((m) => m === 0).length).toBe(prunable - remaining);
          if (prevMask) prevMask.forEach((m, i) => m === 0 && expect(flat[i]).toBe(0));
          prevMask = flat;
          [0, 2].forEach((vi, j) => {
            const w = values(model.vars[vi]!);
            const w0 = values(init[vi]!);
            masks[j]!.forEach((m, i) => expect(w[i] === (m ? w0[i] : 0), `w[${i}]`).toBe(true));
          });
          expect(values(model.vars[1]!)).toEqual(values(init[1]!)); // biases rewound too, never pruned
          checked = true;
        },
      };
      await trainer().fit({ model, data, loss: 'cross-entropy', optimizer: tf.train.momentum(0.1, 0.9), callbacks: [lth, spy], epochs: 1, batchSize: 32 });
      expect(checked).toBe(round > 0);
    }
    expect(lth.rounds).toBe(3);
    // After 3 prunings at p = 0.2 the sparsity is about 1 − 0.8³.
    expect((prunable - remaining) / prunable).toBeCloseTo(1 - 0.8 ** 3, 1);
    tf.dispose([...model.vars, ...init, data.x, data.y]);
    lth.masks.dispose();
  });

  it('rounds inside one fit, rewinding to step k > 0; masked weights stay zero; the checkpoint restores masks and θ_k', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lth-'));
    const model = mlp(21);
    const data = classification();
    const lth = lotteryTicketRewind.create({ pruneRate: 0.5, rewindStep: 2, roundSteps: 6, scope: 'layer' });
    let thetaK: number[][] = [];
    const spy = {
      afterStep(ctx: { step: number }) {
        if (ctx.step === 2) thetaK = model.vars.map(values);
        for (const i of [0, 2]) {
          const m = lth.masks.masks.get(model.vars[i]!.name);
          if (m) values(m).forEach((k, j) => k === 0 && expect(values(model.vars[i]!)[j] === 0).toBe(true));
        }
        if (ctx.step === 6) {
          // Just after the first round: survivors back at θ_2, half of each layer pruned.
          for (const i of [0, 2]) {
            const m = values(lth.masks.masks.get(model.vars[i]!.name)!);
            expect(m.filter((k) => k === 0).length).toBe(Math.ceil(0.5 * model.vars[i]!.size));
            m.forEach((k, j) => expect(values(model.vars[i]!)[j] === (k ? thetaK[i]![j] : 0)).toBe(true));
          }
        }
      },
    };
    const res = await trainer().fit({ model, data, loss: 'cross-entropy', optimizer: tf.train.adam(0.01), callbacks: [lth, spy], epochs: 3, batchSize: 32, checkpoint: { dir } });
    expect(res.steps).toBe(9);
    expect(lth.rounds).toBe(1);
    const restored = lotteryTicketRewind.create({ pruneRate: 0.5, rewindStep: 2, roundSteps: 6, scope: 'layer' });
    await trainer().fit({ model, data, loss: 'cross-entropy', optimizer: tf.train.adam(0.01), callbacks: [restored], epochs: 3, batchSize: 32, checkpoint: { dir, resume: true } });
    expect(values(restored.masks.masks.get(model.vars[0]!.name)!)).toEqual(values(lth.masks.masks.get(model.vars[0]!.name)!));
    expect(restored.snapshot().map(values)).toEqual(lth.snapshot().map(values));
    tf.dispose([...model.vars, data.x, data.y]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

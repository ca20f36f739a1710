import * as tf from '@tensorflow/tfjs-core';
import { fixtureTensor, loadFixture, type FixtureTensor } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { deathRate, granetRegrow, granetSparsity } from './granet-regrow.js';
import { classification, mlp, trainer } from './spec-trainer.js';

type Case = { name: string; rate?: number; weights?: FixtureTensor; mask?: FixtureTensor; grad?: FixtureTensor; expected?: FixtureTensor; deathRates?: number[] };
const fx = loadFixture<{ cases: Case[] }>(new URL('./__fixtures__/granet-regrow.json', import.meta.url)).cases;
const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('callback granet-regrow', () => {
  for (const c of fx.filter((x) => x.weights)) {
    it(`death then gradient regrowth matches GraNet's truncate_weights: ${c.name}`, async () => {
      const w = tf.variable(fixtureTensor(c.weights!), true, `granet-${c.name}`);
      const cb = granetRegrow.create();
      cb.masks.ensure([w]);
      cb.masks.set(w.name, fixtureTensor(c.mask!));
      const before = values(cb.masks.masks.get(w.name)!).filter((m) => m === 1).length;
      await cb.regrow([w], { [w.name]: fixtureTensor(c.grad!) }, c.rate!);
      const after = values(cb.masks.masks.get(w.name)!);
      expect(after).toEqual(values(fixtureTensor(c.expected!)));
      expect(after.filter((m) => m === 1).length).toBe(before); // regrowth keeps the density
      cb.masks.dispose();
      w.dispose();
    });
  }

  it("death rate follows torch's CosineAnnealingLR(0.5, T_max = 40, eta_min = 0.005)", () => {
    const rates = fx.find((x) => x.deathRates)!.deathRates!;
    rates.slice(0, 40).forEach((r, i) => expect(deathRate({ pruneRate: 0.5, etaMin: 0.005, tMax: 40 }, i + 1)).toBeCloseTo(r, 10));
  });

  it('GraNet schedule in pruning iterations: (1 − d_i) + (d_i − d_f)(1 − (1 − (i − i0)/(iN − i0))³)', () => {
    const p = { initDensity: 0.5, finalDensity: 0.05, beginStep: 0, endStep: 400, frequency: 100 };
    expect(granetSparsity(p, 0)).toBeCloseTo(0.5, 12);
    expect(granetSparsity(p, 200)).toBeCloseTo(0.5 + 0.45 * (1 - 0.5 ** 3), 12);
    expect(granetSparsity(p, 400)).toBeCloseTo(0.95, 12);
    expect(granetSparsity(p, 500)).toBeUndefined();
  });

  it('in a fit: sparsity on schedule, density kept by regrowth, masked weights and Adam slots exactly zero, masks checkpointed', async () => {
    const model = mlp(13);
    const data = classification();
    const cb = granetRegrow.create({ finalDensity: 0.2, beginStep: 0, endStep: 12, frequency: 4, tMax: 18, exclude: ['/w2$'] });
    const optimizer = tf.train.adam(0.05);
    const kept: { step: number; nnz: number }[] = [];
    const spy = {
      async afterStep(ctx: { step: number }) {
        const w1 = model.vars[0]!;
        const m = values(cb.masks.masks.get(w1.name)!);
        values(w1).forEach((v, i) => m[i] === 0 && expect(v === 0).toBe(true));
        for (const w of await optimizer.getWeights()) if (w.name.startsWith(w1.name)) values(w.tensor).forEach((v, i) => m[i] === 0 && expect(v === 0, `${w.name}[${i}] at step ${ctx.step}`).toBe(true));
        kept.push({ step: ctx.step, nnz: m.filter((x) => x === 1).length });
      },
    };
    await trainer().fit({ model, data, loss: 'cross-entropy', optimizer, callbacks: [cb, spy], epochs: 3, batchSize: 16 });
    for (const { step, nnz } of kept) {
      const last = Math.min(12, step - (step % 4));
      expect(nnz, `step ${step}`).toBe(Math.floor(48 * (1 - granetSparsity({ initDensity: 1, finalDensity: 0.2, beginStep: 0, endStep: 12, frequency: 4 }, last)!)));
    }
    expect(kept.at(-1)!.nnz).toBe(Math.floor(48 * 0.2));
    const state = cb.getState!();
    const restored = granetRegrow.create({ finalDensity: 0.2, beginStep: 0, endStep: 12, frequency: 4, tMax: 18, exclude: ['/w2$'] });
    restored.setState!(state);
    expect(values(restored.masks.masks.get(model.vars[0]!.name)!)).toEqual(values(cb.masks.masks.get(model.vars[0]!.name)!));
    tf.dispose([...model.vars, data.x, data.y]);
    cb.masks.dispose();
    restored.masks.dispose();
  });
});

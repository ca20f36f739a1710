import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { fixtureTensor, loadFixture, type FixtureTensor } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { gradualMagnitudePruning, polynomialSparsity } from './gradual-magnitude-pruning.js';
import { classification, mlp, trainer } from './spec-trainer.js';
import { WeightMasks, roundHalfEven } from './weight-masks.js';

type Fx = { cases: ({ name: string; params: Record<string, number>; steps: number[]; sparsity: number[] } & Record<string, unknown>)[] };
const fx = loadFixture<Fx>(new URL('./__fixtures__/gradual-magnitude-pruning.json', import.meta.url)).cases;

const zerosWhere = (t: tf.Tensor, mask: tf.Tensor) => {
  const v = t.dataSync();
  const m = mask.dataSync();
  return Array.from(m).every((k, i) => k !== 0 || v[i] === 0);
};

describe('callback gradual-magnitude-pruning', () => {
  it("follows tfmot's PolynomialDecay schedule (power 3)", () => {
    const c = fx[0]!;
    const p = { ...gradualMagnitudePruning.create(c.params), params: c.params };
    c.steps.forEach((t, i) => expect(p.sparsityAt!(t)).toBeCloseTo(c.sparsity[i]!, 10));
    expect(polynomialSparsity({ initialSparsity: 0, finalSparsity: 0.9, beginStep: 0, endStep: 100, power: 3 }, 50)).toBeCloseTo(0.9 - 0.9 / 8, 12);
  });

  for (const c of fx.slice(1)) {
    it(`prunes the same weights as torch.nn.utils.prune: ${c.name}`, () => {
      const ws = (c['weights'] as FixtureTensor[]).map((w, i) => tf.variable(fixtureTensor(w), true, `gmp-oracle-${c['scope']}-${i}`));
      const masks = new WeightMasks({ exclude: [], minRank: 2 });
      masks.ensure(ws);
      for (const r of c['rounds'] as { sparsity: number; masks: FixtureTensor[] }[]) {
        masks.pruneToSparsity(ws, r.sparsity, c['scope'] as 'global' | 'layer');
        ws.forEach((w, i) => expect(Array.from(masks.masks.get(w.name)!.dataSync()), `mask ${i} at ${r.sparsity}`).toEqual(Array.from(fixtureTensor(r.masks[i]!).dataSync())));
      }
      masks.dispose();
      tf.dispose(ws);
    });
  }

  for (const opt of ['momentum', 'adam'] as const) {
    it(`reaches its target on schedule; masked weights and ${opt} slots stay exactly zero after every step; checkpoints restore masks`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gmp-'));
      const model = mlp();
      const data = classification();
      const params = { finalSparsity: 0.8, beginStep: 0, endStep: 12, frequency: 4, exclude: ['/w2$'] };
      const gmp = gradualMagnitudePruning.create(params);
      const optimizer = opt === 'momentum' ? tf.train.momentum(0.1, 0.9) : tf.train.adam(0.05);
      const seen: { step: number; pruned: number }[] = [];
      const spy = {
        async afterStep(ctx: { step: number }) {
          const w1 = model.vars[0]!;
          const m = gmp.masks.masks.get(w1.name)!;
          expect(zerosWhere(w1, m), `w1 masked entries at step ${ctx.step}`).toBe(true);
          for (const w of await optimizer.getWeights()) if (w.name.startsWith(w1.name)) expect(zerosWhere(w.tensor, m), `${w.name} at step ${ctx.step}`).toBe(true);
          seen.push({ step: ctx.step, pruned: m.size - tf.sum(m).dataSync()[0]! });
        },
      };
      const result = await trainer().fit({ model, data, loss: 'cross-entropy', optimizer, callbacks: [gmp, spy], epochs: 3, batchSize: 16, checkpoint: { dir, everyEpoch: true } });
      expect(result.steps).toBe(18);
      // Sparsity of the prunable w1 (48 weights) after each pruning step: round(s(t)·48), held between them.
      const n = 48;
      for (const { step, pruned } of seen) {
        const last = Math.min(12, step - (step % 4));
        expect(pruned, `step ${step}`).toBe(roundHalfEven(gmp.sparsityAt!(last) * n));
      }
      expect(seen.at(-1)!.pruned).toBe(Math.round(0.8 * n));
      // w2 is excluded by name, biases by rank.
      expect([...gmp.masks.masks.keys()]).toEqual([model.vars[0]!.name]);
      // A fresh callback resumes from the checkpoint with the same masks.
      const restored = gradualMagnitudePruning.create(params);
      const again = await trainer().fit({ model, data, loss: 'cross-entropy', optimizer: opt === 'momentum' ? tf.train.momentum(0.1, 0.9) : tf.train.adam(0.05), callbacks: [restored], epochs: 3, batchSize: 16, checkpoint: { dir, resume: true } });
      expect(again.resumedFrom).toBe(18);
      expect(Array.from(restored.masks.masks.get(model.vars[0]!.name)!.dataSync())).toEqual(Array.from(gmp.masks.masks.get(model.vars[0]!.name)!.dataSync()));
      tf.dispose([...model.vars, data.x, data.y]);
      gmp.masks.dispose();
      restored.masks.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    });
  }
});

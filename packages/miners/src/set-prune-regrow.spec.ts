import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { erdosRenyiDensity, setPruneRegrow } from './set-prune-regrow.js';
import { classification, mlp, trainer } from './spec-trainer.js';
import { roundHalfEven } from './weight-masks.js';

const values = (t: tf.Tensor) => Array.from(t.dataSync());

describe('callback set-prune-regrow', () => {
  it('Erdős–Rényi density min(1, ε(n_in + n_out)/(n_in·n_out))', () => {
    expect(erdosRenyiDensity([100, 50], 2)).toBeCloseTo(0.06, 12);
    expect(erdosRenyiDensity([3, 3, 16, 32], 1)).toBeCloseTo((144 + 32) / (144 * 32), 12);
    expect(erdosRenyiDensity([6, 8], 20)).toBe(1);
  });

  it('keeps each layer at its initial density; every epoch ζ of the active weights move; masked weights stay zero', async () => {
    const model = mlp(29);
    const data = classification();
    const cb = setPruneRegrow.create({ epsilon: 1.5, zeta: 0.5, seed: 3 });
    const w1 = model.vars[0]!;
    const w2 = model.vars[2]!;
    const expected = [w1, w2].map((v) => roundHalfEven(erdosRenyiDensity(v.shape, 1.5) * v.size));
    const snapshots: number[][] = [];
    const spy = {
      afterStep() {
        for (const v of [w1, w2]) {
          const m = values(cb.masks.masks.get(v.name)!);
          values(v).forEach((x, i) => m[i] === 0 && expect(x === 0).toBe(true));
        }
      },
      onEpochEnd() {
        // Runs after the evolution (listed after the callback).
        snapshots.push(values(cb.masks.masks.get(w1.name)!));
        [w1, w2].forEach((v, j) => expect(values(cb.masks.masks.get(v.name)!).filter((k) => k === 1)).toHaveLength(expected[j]!));
      },
    };
    await trainer().fit({ model, data, loss: 'cross-entropy', optimizer: tf.train.momentum(0.05, 0.9), callbacks: [cb, spy], epochs: 3, batchSize: 32 });
    expect(snapshots).toHaveLength(3);
    expect(expected[0]).toBeLessThan(48);
    // Consecutive epochs differ (connections moved) but keep their size.
    expect(snapshots[1]).not.toEqual(snapshots[0]);
    const state = cb.getState!();
    const restored = setPruneRegrow.create({ epsilon: 1.5, zeta: 0.5, seed: 3 });
    restored.setState!(state);
    expect(values(restored.masks.masks.get(w1.name)!)).toEqual(values(cb.masks.masks.get(w1.name)!));
    cb.masks.dispose();
    restored.masks.dispose();
    tf.dispose([...model.vars, data.x, data.y]);
  });
});

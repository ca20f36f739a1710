import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRegistry, hasTrainEval } from '@tessera/core';
import { expectTensorsClose, fixtureTensor, fixtureValues, type FixtureTensor } from '@tessera/testing';
import optimizers from '../module.js';
import { fixtureCases, makeVars, type TrajectoryCase } from '../spec-helpers.js';
import type { ScheduleFreeOptimizer } from './schedule-free.js';

const registry = createRegistry(optimizers);
type SfCase = TrajectoryCase & { evalExpected: Record<string, FixtureTensor> };

describe('schedule-free against the schedulefree 1.4 reference form (explicit x, y, z)', () => {
  for (const c of fixtureCases<SfCase>('schedule-free.json')) {
    it(`${c.optimizer}: ${c.name}, then eval() gives x and train() gives back y`, async () => {
      const { vars, full } = makeVars(c.init);
      const opt = registry.create('optimizer', c.optimizer, c.params) as ScheduleFreeOptimizer;
      expect(hasTrainEval(opt)).toBe(true);
      c.grads.forEach((step, k) => {
        const g: tf.NamedTensorMap = {};
        for (const [n, t] of Object.entries(step)) g[full(n)] = fixtureTensor(t);
        opt.applyGradients(g);
        tf.dispose(Object.values(g));
        for (const [n, v] of Object.entries(vars)) expectTensorsClose(v, fixtureValues(c.expected[k]![n]!), { name: `${c.name} step ${k + 1} ${n}` });
      });
      opt.eval();
      for (const [n, v] of Object.entries(vars)) expectTensorsClose(v, fixtureValues(c.evalExpected[n]!), { name: `${c.name} x ${n}` });
      expect(() => opt.applyGradients({ [full('w')]: tf.zeros([3, 4]) })).toThrow(/train\(\)/);
      opt.train();
      const last = c.expected[c.expected.length - 1]!;
      for (const [n, v] of Object.entries(vars)) expectTensorsClose(v, fixtureValues(last[n]!), { rtol: 1e-4, atol: 2e-5, name: `${c.name} back to y ${n}` });
      tf.dispose(Object.values(vars));
      opt.dispose();
    });
  }

  it('the mode is part of getWeights/setWeights', async () => {
    const { vars, full } = makeVars({ w: { shape: [2], dtype: 'float32', data: [1, 2] } });
    const a = registry.create('optimizer', 'schedule-free-sgd', { learningRate: 0.1 }) as ScheduleFreeOptimizer;
    a.applyGradients({ [full('w')]: tf.tensor([1, -1]) });
    a.eval();
    const b = registry.create('optimizer', 'schedule-free-sgd', { learningRate: 0.1 }) as ScheduleFreeOptimizer;
    await b.setWeights(await a.getWeights());
    expect(b.isTraining).toBe(false);
    vars.w!.dispose();
  });
});

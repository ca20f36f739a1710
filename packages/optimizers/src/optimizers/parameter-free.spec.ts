import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRegistry, hasTrainEval } from '@tessera/core';
import { expectTensorsClose, fixtureTensor, fixtureValues, type FixtureTensor } from '@tessera/testing';
import optimizers from '../module.js';
import { checkTrajectory, fixtureCases, makeVars, type TrajectoryCase } from '../spec-helpers.js';

const registry = createRegistry(optimizers);
type Case = TrajectoryCase & { evalExpected?: Record<string, FixtureTensor> };
const cases = fixtureCases<Case>('parameter-free.json');

describe('parameter-free optimizers against the official algorithms re-implemented (12 steps)', () => {
  for (const c of cases.filter((x) => !x.evalExpected)) {
    it(`${c.optimizer}: ${c.name}`, () => {
      checkTrajectory(c, registry.create('optimizer', c.optimizer, c.params));
    });
  }

  it('poly-decay-averager over dog: trajectory, then eval() holds the average and train() restores', () => {
    const c = cases.find((x) => x.evalExpected)!;
    const { vars, full } = makeVars(c.init);
    const opt = registry.create('optimizer', c.optimizer, c.params);
    expect(hasTrainEval(opt)).toBe(true);
    c.grads.forEach((step, k) => {
      const g: tf.NamedTensorMap = {};
      for (const [n, t] of Object.entries(step)) g[full(n)] = fixtureTensor(t);
      opt.applyGradients(g);
      tf.dispose(Object.values(g));
      for (const [n, v] of Object.entries(vars)) expectTensorsClose(v, fixtureValues(c.expected[k]![n]!), { name: `${c.name} ${k} ${n}` });
    });
    (opt as unknown as { eval(): void }).eval();
    for (const [n, v] of Object.entries(vars)) expectTensorsClose(v, fixtureValues(c.evalExpected![n]!), { name: `avg ${n}` });
    (opt as unknown as { train(): void }).train();
    const last = c.expected[c.expected.length - 1]!;
    for (const [n, v] of Object.entries(vars)) expectTensorsClose(v, fixtureValues(last[n]!));
    tf.dispose(Object.values(vars));
    opt.dispose();
  });

  it('keeps the global scalars on the device (no dataSync during a step)', () => {
    const { vars, full } = makeVars({ w: { shape: [3], dtype: 'float32', data: [1, -2, 3] } });
    for (const name of ['d-adapt-adam', 'd-adapt-sgd', 'prodigy', 'dog', 'ldog', 'dowg']) {
      const opt = registry.create('optimizer', name, {});
      const spy = { count: 0 };
      const orig = tf.Tensor.prototype.dataSync;
      tf.Tensor.prototype.dataSync = function (this: tf.Tensor) { spy.count++; return orig.call(this); } as typeof orig;
      try {
        for (let i = 0; i < 3; i++) opt.applyGradients({ [full('w')]: tf.tensor1d([0.5, -1, 2]) });
      } finally {
        tf.Tensor.prototype.dataSync = orig;
      }
      expect(spy.count, name).toBe(0);
      opt.dispose();
    }
    vars.w!.dispose();
  });

  it('an all-zero first gradient makes no step and no NaN (the references divide by zero)', () => {
    for (const name of ['d-adapt-adam', 'd-adapt-sgd', 'prodigy']) {
      const { vars, full } = makeVars({ w: { shape: [2], dtype: 'float32', data: [1, 2] } });
      const opt = registry.create('optimizer', name, {});
      opt.applyGradients({ [full('w')]: tf.zeros([2]) });
      expect(Array.from(vars.w!.dataSync()), name).toEqual([1, 2]);
      opt.applyGradients({ [full('w')]: tf.tensor1d([1, 1]) });
      expect(Array.from(vars.w!.dataSync()).every(Number.isFinite), name).toBe(true);
      vars.w!.dispose();
      opt.dispose();
    }
  });
});

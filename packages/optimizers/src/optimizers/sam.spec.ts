import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRegistry, type TrainableOptimizer } from '@tessera/core';
import { expectTensorsClose, fixtureTensor, fixtureValues, type FixtureTensor } from '@tessera/testing';
import optimizers from '../module.js';
import { fixtureCases, makeVars, type TrajectoryCase } from '../spec-helpers.js';

const registry = createRegistry(optimizers);
type SamCase = TrajectoryCase & { closure: { A: Record<string, FixtureTensor>; B: Record<string, FixtureTensor> } };

function quartic(vars: Record<string, tf.Variable>, A: Record<string, tf.Tensor>, B: Record<string, tf.Tensor>): tf.Scalar {
  return tf.tidy(() =>
    tf.addN(Object.entries(vars).map(([n, p]) => tf.addN([tf.mul(0.5, tf.sum(tf.mul(A[n]!, tf.square(p)))), tf.sum(tf.mul(B[n]!, p)), tf.mul(0.05, tf.sum(tf.pow(p, 4)))]))) as tf.Scalar,
  );
}

describe('sam / asam against davda54/sam (two evaluations per step)', () => {
  for (const c of fixtureCases<SamCase>('sam.json')) {
    it(c.name, () => {
      const A = Object.fromEntries(Object.entries(c.closure.A).map(([n, t]) => [n, fixtureTensor(t)]));
      const B = Object.fromEntries(Object.entries(c.closure.B).map(([n, t]) => [n, fixtureTensor(t)]));
      const { vars } = makeVars(c.init);
      const opt = registry.create('optimizer', c.optimizer, c.params) as TrainableOptimizer;
      expect(opt.needsClosure).toBe(true);
      let calls = 0;
      c.expected.forEach((exp, k) => {
        const cost = opt.minimize(() => { calls++; return quartic(vars, A, B); }, true, Object.values(vars));
        cost?.dispose();
        for (const [n, v] of Object.entries(vars)) expectTensorsClose(v, fixtureValues(exp[n]!), { name: `${c.name} step ${k + 1} ${n}` });
      });
      expect(calls).toBe(2 * c.expected.length);
      expect(opt.iterations).toBe(c.expected.length);
      tf.dispose([...Object.values(vars), ...Object.values(A), ...Object.values(B)]);
      opt.dispose();
    });
  }

  it('without a closure, applyGradients alternates ascent and base step (optax non-opaque mode)', async () => {
    const { vars, full } = makeVars({ w: { shape: [2], dtype: 'float32', data: [1, 2] } });
    const opt = registry.create('optimizer', 'sam', { learningRate: 0.1, rho: 0.5, baseParams: {} });
    opt.applyGradients({ [full('w')]: tf.tensor([3, 4]) }); // moves by ρ·g/‖g‖ = [0.3, 0.4]
    expectTensorsClose(vars.w!, [1.3, 2.4]);
    expect(opt.iterations).toBe(0);
    const other = registry.create('optimizer', 'sam', { learningRate: 0.1, rho: 0.5, baseParams: {} });
    await other.setWeights(await opt.getWeights()); // mid-step checkpoint carries the set-aside weights
    opt.applyGradients({ [full('w')]: tf.tensor([1, 1]) }); // restores w, then SGD step with the gradient at w + ε̂
    expectTensorsClose(vars.w!, [0.9, 1.9]);
    expect(opt.iterations).toBe(1);
    vars.w!.assign(tf.tensor([1.3, 2.4]));
    other.applyGradients({ [full('w')]: tf.tensor([1, 1]) });
    expectTensorsClose(vars.w!, [0.9, 1.9]);
    other.dispose();
    vars.w!.dispose();
    opt.dispose();
  });

  it('a zero gradient gives no perturbation (1e-12 guard)', () => {
    const { vars, full } = makeVars({ w: { shape: [2], dtype: 'float32', data: [1, 2] } });
    const opt = registry.create('optimizer', 'asam', { baseParams: {} });
    opt.applyGradients({ [full('w')]: tf.zeros([2]) });
    expectTensorsClose(vars.w!, [1, 2]);
    vars.w!.dispose();
    opt.dispose();
  });
});

import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRegistry } from '@tessera/core';
import { expectNoGrowth } from '@tessera/testing';
import optimizers from '../module.js';
import { checkTrajectory, fixtureCases, makeVars, minimizeFrom, quadratic, rosenbrock, type TrajectoryCase } from '../spec-helpers.js';

const registry = createRegistry(optimizers);
const cases = fixtureCases<TrajectoryCase>('torch-optim.json');

describe('optimizers against torch.optim (PyTorch 1.13), 12 steps', () => {
  for (const c of cases) {
    it(`${c.optimizer}: ${c.name}`, () => {
      checkTrajectory(c, registry.create('optimizer', c.optimizer, c.params));
    });
  }
});

describe('convergence and state hygiene', () => {
  const names = [...new Set(cases.map((c) => c.optimizer))];
  for (const name of names) {
    it(`${name} converges on a quadratic and does not grow tensors`, async () => {
      const lr = ({ adagrad: 1, adadelta: 30, rprop: 0.1, asgd: 0.1 } as Record<string, number>)[name] ?? 0.1;
      const { loss } = minimizeFrom(registry.create('optimizer', name, { learningRate: lr, ...(name === 'adamw' ? { weightDecay: 0 } : {}) }), quadratic, [0, 0, 0, 0], 400);
      expect(loss).toBeLessThan(1e-3);
      const opt = registry.create('optimizer', name, { learningRate: 0.01 });
      const x = tf.variable(tf.tensor1d([0, 0, 0, 0]), true, `growth-${name}`);
      await expectNoGrowth(() => opt.minimize(() => quadratic(x), false, [x]), { name });
      x.dispose();
      opt.dispose();
    });
  }
  it('adam and sgd with momentum make progress on Rosenbrock', () => {
    const a = minimizeFrom(registry.create('optimizer', 'adam', { learningRate: 0.02 }), rosenbrock, [-1.2, 1], 2000);
    expect(a.loss).toBeLessThan(1e-2);
    const s = minimizeFrom(registry.create('optimizer', 'sgd', { learningRate: 1e-3, momentum: 0.9 }), rosenbrock, [-1.2, 1], 3000);
    expect(s.loss).toBeLessThan(0.05);
  });
});

describe('state round-trip', () => {
  for (const c of cases.filter((x) => x.name.includes('wd') || x.name.includes('momentum'))) {
    it(`${c.name}: getWeights → fresh optimizer → setWeights continues bit-identically`, async () => {
      const a = registry.create('optimizer', c.optimizer, c.params);
      const b0 = registry.create('optimizer', c.optimizer, c.params);
      const A = makeVars(c.init);
      const B = makeVars(c.init);
      const step = (opt: tf.Optimizer, full: (s: string) => string, k: number) => {
        const grads: tf.NamedTensorMap = {};
        for (const [n, g] of Object.entries(c.grads[k]!)) grads[full(n)] = tf.tensor(g.data as number[], g.shape);
        opt.applyGradients(grads);
        tf.dispose(Object.values(grads));
      };
      for (let k = 0; k < 6; k++) step(a, A.full, k);
      // B: same variable values, state from a's getWeights (renamed to B's variables).
      for (const n of Object.keys(A.vars)) B.vars[n]!.assign(A.vars[n]!);
      const w = await a.getWeights();
      // rename by variable prefix, as core's restoreCheckpoint does for a rebuilt model
      const shorts = Object.keys(A.vars);
      const renamed = w.map(({ name, tensor }) => {
        const n = shorts.find((s) => name.startsWith(`${A.full(s)}/`));
        return { name: n ? B.full(n) + name.slice(A.full(n).length) : name, tensor };
      });
      expect(renamed.some((x) => x.name.startsWith(B.full('w')))).toBe(true);
      await b0.setWeights(renamed);
      expect(b0.iterations).toBe(6);
      for (let k = 6; k < 12; k++) {
        step(a, A.full, k);
        step(b0, B.full, k);
      }
      for (const n of Object.keys(A.vars)) expect(Array.from(B.vars[n]!.dataSync())).toEqual(Array.from(A.vars[n]!.dataSync()));
      tf.dispose([...Object.values(A.vars), ...Object.values(B.vars)]);
      a.dispose();
      b0.dispose();
    });
  }
});

import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRegistry } from '@tessera/core';
import { expectTensorsClose } from '@tessera/testing';
import optimizers from '../module.js';
import { makeVars } from '../spec-helpers.js';

const registry = createRegistry(optimizers);

describe('param-ema', () => {
  it('eval() loads the debiased EMA of the iterates (closed form), train() restores', async () => {
    const { vars, full } = makeVars({ w: { shape: [2], dtype: 'float32', data: [1, 2] } });
    const opt = registry.create('optimizer', 'param-ema', { learningRate: 1, decay: 0.5, baseOptimizer: 'sgd' }) as tf.Optimizer & { eval(): void; train(): void };
    const xs: number[][] = [];
    for (const g of [[1, 0], [0, 1], [1, 1]]) {
      opt.applyGradients({ [full('w')]: tf.tensor1d(g) });
      xs.push(Array.from(vars.w!.dataSync()));
    }
    // a_t = 0.5 a + 0.5 x_t; debiased by 1 − 0.5ᵗ
    let a = [0, 0];
    xs.forEach((x) => (a = a.map((ai, i) => 0.5 * ai + 0.5 * x[i]!)));
    const expected = a.map((ai) => ai / (1 - 0.125));
    opt.eval();
    expectTensorsClose(vars.w!, expected);
    expect(() => opt.applyGradients({ [full('w')]: tf.tensor1d([1, 1]) })).toThrow(/train\(\)/);
    // a checkpoint taken in eval mode carries the training weights; restoring and train() gives them back
    const fresh = registry.create('optimizer', 'param-ema', { learningRate: 1, decay: 0.5, baseOptimizer: 'sgd' }) as tf.Optimizer & { eval(): void; train(): void };
    await fresh.setWeights(await opt.getWeights());
    opt.train();
    expectTensorsClose(vars.w!, xs[2]!);
    opt.eval();
    fresh.train();
    expectTensorsClose(vars.w!, xs[2]!);
    vars.w!.dispose();
    opt.dispose();
    fresh.dispose();
  });
});

describe('lookahead (optimizer wrapper)', () => {
  it('matches the closed form with an SGD base: fast steps, then φ ← φ + α(θ − φ) and θ ← φ every k steps', () => {
    const { vars, full } = makeVars({ w: { shape: [1], dtype: 'float32', data: [0] } });
    const opt = registry.create('optimizer', 'lookahead', { learningRate: 1, syncPeriod: 2, slowStepSize: 0.5, baseOptimizer: 'sgd' });
    const seen: number[] = [];
    for (let i = 0; i < 4; i++) {
      opt.applyGradients({ [full('w')]: tf.tensor1d([-1]) }); // each fast step adds +1
      seen.push(vars.w!.dataSync()[0]!);
    }
    // φ₀ = 0: θ 1, then 2 → sync φ = 1, θ = 1; θ 2, then 3 → sync φ = 2, θ = 2
    expect(seen).toEqual([1, 1, 2, 2]);
    vars.w!.dispose();
    opt.dispose();
  });
});

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
    opt.train();
    expectTensorsClose(vars.w!, xs[2]!);
    vars.w!.dispose();
    opt.dispose();
  });
});

import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRegistry } from '@tessera/core';
import { expectTensorsClose } from '@tessera/testing';
import optimizers from '../module.js';
import { makeVars } from '../spec-helpers.js';
import { adadagradBatchSize } from './adagrad-norm.js';

const registry = createRegistry(optimizers);

describe('adagrad-norm', () => {
  it('matches the closed form b² ← b² + ‖g‖², θ ← θ − ηg/b', () => {
    const { vars, full } = makeVars({ w: { shape: [2], dtype: 'float32', data: [1, 2] }, b: { shape: [1], dtype: 'float32', data: [0] } });
    const opt = registry.create('optimizer', 'adagrad-norm', { learningRate: 0.5, initialAccumulator: 1 });
    let b2 = 1;
    const w = [1, 2];
    const bb = [0];
    for (const [gw, gb] of [[[3, 4], [0]], [[1, 0], [2]]] as const) {
      b2 += gw[0]! ** 2 + gw[1]! ** 2 + gb[0]! ** 2;
      w[0]! -= (0.5 * gw[0]!) / Math.sqrt(b2);
      w[1]! -= (0.5 * gw[1]!) / Math.sqrt(b2);
      bb[0]! -= (0.5 * gb[0]!) / Math.sqrt(b2);
      opt.applyGradients({ [full('w')]: tf.tensor1d([...gw]), [full('b')]: tf.tensor1d([...gb]) });
    }
    expectTensorsClose(vars.w!, w);
    expectTensorsClose(vars.b!, bb);
    tf.dispose(Object.values(vars));
    opt.dispose();
  });
});

describe('adadagradBatchSize (AdAdaGrad norm test)', () => {
  it('grows the batch to ⌈V/(η²‖ḡ‖²)⌉ within [b, b_max]', () => {
    // 4 samples of a 2-vector: mean (1, 0), unbiased variances (4/3·… computed by hand)
    const g = tf.tensor2d([[3, 1], [-1, -1], [1, 1], [1, -1]]);
    // mean = (1, 0); Σ(g − mean)² per coord = (4+4+0+0, 1+1+1+1) = (8, 4) → /3 → V = 4
    const next = adadagradBatchSize({ w: g }, { eta: 0.5, batchSize: 4, maxBatchSize: 100 });
    expect(next.dataSync()[0]).toBe(16); // ⌈4 / (0.25·1)⌉
    const capped = adadagradBatchSize({ w: g }, { eta: 0.1, batchSize: 4, maxBatchSize: 100 });
    expect(capped.dataSync()[0]).toBe(100);
    const zero = adadagradBatchSize({ w: tf.tensor2d([[1, 0], [-1, 0]]) }, { eta: 0.5, batchSize: 8, maxBatchSize: 100 });
    expect(zero.dataSync()[0]).toBe(8);
    tf.dispose([g, next, capped, zero]);
  });
});

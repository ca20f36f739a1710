import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { sphericalZLoss } from './spherical-z-loss.js';

import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('spherical-z-loss', () => {
  fixtureSuite(sphericalZLoss, 'spherical-z-loss');
  standardChecks(sphericalZLoss, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 5], n + 1, 3), labels: randInt(n, 5, n + 7) }),
    empty: 'zero',
    allIgnored: () => ({ logits: randn([3, 5], 3), labels: tf.tensor1d([-100, -100, -100], 'int32') }),
  });
  it('invariant to shifting and scaling the outputs; closed form', () => {
    const z = randn([4, 5], 2, 2);
    const labels = randInt(4, 5, 3);
    const loss = sphericalZLoss.create({ a: 0.7, b: 2 });
    expectTensorsClose(loss.compute({ logits: tf.add(tf.mul(z, 3), 5), labels }), loss.compute({ logits: z, labels }), { rtol: 1e-4 });
    // o = [1, -1]: μ = 0, σ = 1, z_y = 1 → softplus(b − 1)
    expectTensorsClose(sphericalZLoss.create({ a: 1, b: 2 }).compute({ logits: tf.tensor2d([[1, -1]]), labels: tf.tensor1d([0], 'int32') }), Math.log1p(Math.E));
  });
  void randInt;
});

import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { zLoss } from './z-loss.js';
import { fixtureSuite, randn, standardChecks } from './spec-harness.js';

describe('z-loss', () => {
  fixtureSuite(zLoss, 'z-loss');
  standardChecks(zLoss, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 5], n + 1, 3) }),
    empty: 'zero',
    allIgnored: () => ({ logits: randn([3, 4], 3), labels: tf.tensor1d([-100, -100, -100], 'int32') }),
  });
  it('closed form: c·(log C)² for zero logits', () => {
    expectTensorsClose(zLoss.create({ coefficient: 1 }).compute({ logits: tf.zeros([2, 5]) }), Math.log(5) ** 2);
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { binaryCrossEntropy } from './binary-cross-entropy.js';
import { sigmoidFocal } from './sigmoid-focal.js';
import { fixtureSuite, randn, standardChecks } from './spec-harness.js';

const bits = (n: number, c: number) => tf.tensor2d(Array.from({ length: n * c }, (_, i) => ((i * 5) % 3 === 0 ? 1 : 0)), [n, c]);

describe('sigmoid-focal', () => {
  fixtureSuite(sigmoidFocal, 'sigmoid-focal');
  standardChecks(sigmoidFocal, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 4], n + 3, 2), labels: bits(n, 4) }),
    empty: 'zero',
    consistent: 'mean',
  });
  it('gamma 0 without alpha is binary cross-entropy', () => {
    const logits = randn([4, 3], 2, 2);
    const labels = bits(4, 3);
    expectTensorsClose(sigmoidFocal.create({ gamma: 0, alpha: null }).compute({ logits, labels }), binaryCrossEntropy.create().compute({ logits, labels }));
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { binaryCrossEntropy } from './binary-cross-entropy.js';
import { fixtureSuite, randn, standardChecks } from './spec-harness.js';

const bits = (n: number, c: number) => tf.tensor2d(Array.from({ length: n * c }, (_, i) => ((i * 7) % 3 === 0 ? 1 : 0)), [n, c]);

describe('binary-cross-entropy', () => {
  fixtureSuite(binaryCrossEntropy, 'binary-cross-entropy');
  standardChecks(binaryCrossEntropy, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 4], n + 3, 2), labels: bits(n, 4) }),
    empty: 'zero',
    consistent: 'mean',
    params: { posWeight: [1, 2, 0.5, 1], labelSmoothing: 0.1 },
  });
  it('int32 0/1 labels equal float labels; log 2 at zero logits', () => {
    const loss = binaryCrossEntropy.create();
    const z = randn([3, 2], 4);
    const yi = tf.tensor2d([[0, 1], [1, 1], [0, 0]], [3, 2], 'int32');
    expectTensorsClose(loss.compute({ logits: z, labels: yi }), loss.compute({ logits: z, labels: tf.cast(yi, 'float32') }));
    expectTensorsClose(loss.compute({ logits: tf.zeros([2, 2]), labels: tf.ones([2, 2]) }), Math.log(2));
  });
  it('mis-sized posWeight fails naming it', () => {
    expect(() => binaryCrossEntropy.create({ posWeight: [1, 2, 3] }).compute({ logits: tf.zeros([2, 2]), labels: tf.ones([2, 2]) })).toThrow(/posWeight/);
  });
});

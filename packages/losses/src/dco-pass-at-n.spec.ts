import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { dcoPassAtN } from './dco-pass-at-n.js';
import { crossEntropy } from './cross-entropy.js';
import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('dco-pass-at-n', () => {
  fixtureSuite(dcoPassAtN, 'dco-pass-at-n');
  standardChecks(dcoPassAtN, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 3, 4], n + 1, 2), labels: tf.tensor2d(Array.from({ length: n * 3 }, (_, i) => i % 4), [n, 3], 'int32') }),
    empty: 'zero',
    allIgnored: () => ({ logits: randn([2, 3, 4], 5), labels: tf.fill([2, 3], -100, 'int32') as tf.Tensor2D }),
    fd: false, // the gradient is F·∇CE by construction (F held constant), which equals d/dz of the value; pinned by the fixture instead
  });
  it('n = 1 is the sequence cross-entropy (value and gradient); confident sequences get a vanishing gradient', () => {
    const logits = randn([2, 3, 4], 3, 2);
    const labels = tf.tensor2d([[0, 1, 2], [3, 3, 1]], [2, 3], 'int32');
    const seqCe = (z: tf.Tensor) => tf.mul(crossEntropy.create().compute({ logits: tf.reshape(z, [6, 4]), labels: tf.reshape(labels, [6]) }), 3);
    expectTensorsClose(dcoPassAtN.create({ n: 1 }).compute({ logits, labels }), seqCe(logits));
    const g1 = tf.grad((z: tf.Tensor) => dcoPassAtN.create({ n: 1 }).compute({ logits: z, labels }) as tf.Scalar)(logits);
    expectTensorsClose(g1, tf.grad((z: tf.Tensor) => seqCe(z) as tf.Scalar)(logits));
    const sure = tf.mul(tf.cast(tf.oneHot(labels, 4), 'float32'), 30);
    const g = tf.grad((z: tf.Tensor) => dcoPassAtN.create({ n: 8 }).compute({ logits: z, labels }) as tf.Scalar)(sure);
    expectTensorsClose(g, tf.zerosLike(g), { atol: 1e-6 });
  });
  void randInt;
});

import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { normalizedSoftmax } from './normalized-softmax.js';
import { crossEntropy } from './cross-entropy.js';
import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('normalized-softmax', () => {
  fixtureSuite(normalizedSoftmax, 'normalized-softmax');
  standardChecks(normalizedSoftmax, {
    output: 'embeddings',
    make: (n) => ({ embeddings: randn([n, 4], n + 1), classifier: randn([6, 4], 3), labels: randInt(n, 6, n + 2) }),
    empty: 'zero',
    allIgnored: () => ({ embeddings: randn([3, 4], 1), classifier: randn([6, 4], 3), labels: tf.tensor1d([-100, -100, -100], 'int32') }),
  });
  it('equals cross-entropy on cosine logits / T', () => {
    const x = randn([4, 3], 5);
    const w = randn([5, 3], 6);
    const labels = randInt(4, 5, 7);
    const nx = tf.div(x, tf.norm(x, 2, 1, true));
    const nw = tf.div(w, tf.norm(w, 2, 1, true));
    const logits = tf.div(tf.matMul(nx, tf.transpose(nw)), 0.1);
    expectTensorsClose(normalizedSoftmax.create({ temperature: 0.1 }).compute({ embeddings: x, classifier: w, labels }), crossEntropy.create().compute({ logits, labels }));
  });
  void randInt;
});

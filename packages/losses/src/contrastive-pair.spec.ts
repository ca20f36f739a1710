import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { contrastivePair } from './contrastive-pair.js';

import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('contrastive-pair', () => {
  fixtureSuite(contrastivePair, 'contrastive-pair');
  standardChecks(contrastivePair, {
    output: 'embeddings',
    make: (n) => ({ embeddings: randn([n, 4], n + 1), positives: randn([n, 4], n + 2) }),
    empty: 'zero',
    params: { margin: 2 },
  });
  it('closed form', () => {
    const a = tf.tensor2d([[0, 0]]);
    const v = contrastivePair.create({ margin: 2 }).compute({ embeddings: a, positives: tf.tensor2d([[3, 4]]), negatives: tf.tensor2d([[1, 0]]) });
    expectTensorsClose(v, 0.5 * (25 + 1));
  });
  void randInt;
});

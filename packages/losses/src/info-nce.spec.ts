import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { infoNce } from './info-nce.js';

import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('info-nce', () => {
  fixtureSuite(infoNce, 'info-nce');
  standardChecks(infoNce, {
    output: 'embeddings',
    make: (n) => ({ embeddings: randn([n, 4], n + 1), positives: randn([n, 4], n + 2), negatives: randn([n, 2, 4], n + 3) }),
    empty: 'zero',
    params: { symmetric: true },
  });
  it('in-batch duplicates are masked: two copies of one pair give 0', () => {
    const a = tf.tensor2d([[1, 0], [1, 0]]);
    const p = tf.tensor2d([[0.5, 0.5], [0.5, 0.5]]);
    expectTensorsClose(infoNce.create().compute({ embeddings: a, positives: p }), 0, { atol: 1e-6 });
    expectTensorsClose(infoNce.create().compute({ embeddings: a, positives: tf.tensor2d([[0.5, 0.5], [0.4, 0.6]]), labels: tf.tensor1d([7, 7], 'int32') }), 0, { atol: 1e-6 });
  });
  void randInt;
});

import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { gistGuidedInfoNce } from './gist-guided-info-nce.js';

import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('gist-guided-info-nce', () => {
  fixtureSuite(gistGuidedInfoNce, 'gist-guided-info-nce');
  standardChecks(gistGuidedInfoNce, {
    output: 'embeddings',
    make: (n) => ({ embeddings: randn([n, 4], n + 1), positives: randn([n, 4], n + 2), guideEmbeddings: randn([n, 6], n + 3), guidePositives: randn([n, 6], n + 4) }),
    empty: 'zero',
    params: { temperature: 0.05 },
  });
  it('a negative the guide rates above the positive is dropped', () => {
    // two samples; the guide says anchor 0 is closer to positive 1 than to its own positive
    const a = tf.tensor2d([[1, 0], [0, 1]]);
    const p = tf.tensor2d([[0.8, 0.6], [0.6, 0.8]]);
    const ga = tf.tensor2d([[1, 0], [0, 1]]);
    const gp = tf.tensor2d([[0, 1], [1, 0]]); // guide: a0·gp0 = 0 < a0·gp1 = 1
    const loss = gistGuidedInfoNce.create({ temperature: 1 }).compute({ embeddings: a, positives: p, guideEmbeddings: ga, guidePositives: gp }, { reduction: 'none' });
    // row 0: AP[0,1] masked (guide 1 > 0), AA[0,1] kept (guide 0 > 0 false), PP[0,1] kept (guide 0)
    const s = (x: number[], y: number[]) => (x[0]! * y[0]! + x[1]! * y[1]!) / Math.hypot(x[0]!, x[1]!) / Math.hypot(y[0]!, y[1]!);
    const row0 = [s([1, 0], [0.8, 0.6]), s([1, 0], [0, 1]), s([0.8, 0.6], [0.6, 0.8])];
    const expected0 = Math.log(row0.reduce((t, v) => t + Math.exp(v), 0)) - row0[0]!;
    expectTensorsClose(tf.slice(loss, 0, 1), [expected0]);
  });
  void randInt;
});

import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { jsDivergence } from './js-divergence.js';
import { fixtureSuite, randn, standardChecks } from './spec-harness.js';

describe('js-divergence', () => {
  fixtureSuite(jsDivergence, 'js-divergence');
  standardChecks(jsDivergence, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 5], n + 1, 3), teacherLogits: randn([n, 5], n + 9, 3) }),
    empty: 'zero',
    params: { temperature: 2 },
  });
  it('is 0 when student equals teacher, and scales by T² on a closed form', () => {
    const z = randn([3, 4], 5, 2);
    expectTensorsClose(jsDivergence.create({ temperature: 3 }).compute({ logits: z, teacherLogits: z }), 0, { atol: 1e-6 });
    const s = tf.tensor2d([[0, 0]]);
    const t = tf.tensor2d([[Math.log(3), 0]]); // teacher (3/4, 1/4), student (1/2, 1/2)
    expectTensorsClose(jsDivergence.create().compute({ logits: s, teacherLogits: t }), 0.5 * (0.5 * Math.log(0.5 / 0.625) + 0.5 * Math.log(0.5 / 0.375)) + 0.5 * (0.75 * Math.log(0.75 / 0.625) + 0.25 * Math.log(0.25 / 0.375)));
  });
});

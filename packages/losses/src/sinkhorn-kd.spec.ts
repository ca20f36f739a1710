import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { sinkhornKd } from './sinkhorn-kd.js';

import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('sinkhorn-kd', () => {
  fixtureSuite(sinkhornKd, 'sinkhorn-kd');
  standardChecks(sinkhornKd, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 5], n + 1, 3), teacherLogits: randn([n, 5], n + 9, 3) }),
    empty: 'zero',
  });
  it('one sample: the plan is 1 and the loss is scale·‖P_s − P_t‖₁', () => {
    const zs = tf.tensor2d([[0, 0]]);
    const zt = tf.tensor2d([[Math.log(3) * 2, 0]]); // T = 2: teacher (3/4, 1/4)
    expectTensorsClose(sinkhornKd.create({ scale: 1 }).compute({ logits: zs, teacherLogits: zt }), 0.5);
  });
  void randInt;
});

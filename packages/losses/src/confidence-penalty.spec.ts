import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { confidencePenalty } from './confidence-penalty.js';

import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('confidence-penalty', () => {
  fixtureSuite(confidencePenalty, 'confidence-penalty');
  standardChecks(confidencePenalty, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 5], n + 1, 3) }),
    empty: 'zero',
    params: { threshold: 1 },
  });
  it("closed form: \u2212log C at zero logits; the hinge is 0 above the threshold", () => {
    expectTensorsClose(confidencePenalty.create().compute({ logits: tf.zeros([2, 4]) }), -Math.log(4));
    expectTensorsClose(confidencePenalty.create({ threshold: 1 }).compute({ logits: tf.zeros([2, 4]) }), 0);
  });
  void randInt;
  void tf;
});

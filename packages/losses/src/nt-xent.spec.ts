import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { ntXent } from './nt-xent.js';

import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('nt-xent', () => {
  fixtureSuite(ntXent, 'nt-xent');
  standardChecks(ntXent, {
    output: 'embeddings',
    make: (n) => ({ embeddings: randn([n, 4], n + 1), positives: randn([n, 4], n + 2) }),
    empty: 'zero',
    params: { temperature: 0.2 },
  });
  it('one pair: the partner is the only candidate, loss 0', () => {
    expectTensorsClose(ntXent.create().compute({ embeddings: randn([1, 3], 1), positives: randn([1, 3], 2) }), 0, { atol: 1e-6 });
  });
  void randInt;
});

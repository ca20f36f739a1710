import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, it } from 'vitest';
import { scheduledPseudoHuber } from './scheduled-pseudo-huber.js';

import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('scheduled-pseudo-huber', () => {
  fixtureSuite(scheduledPseudoHuber, 'scheduled-pseudo-huber');
  standardChecks(scheduledPseudoHuber, {
    output: 'predictions',
    make: (n) => ({ predictions: randn([n, 3], n + 1), targets: randn([n, 3], n + 2) }),
    empty: 'zero',
    consistent: 'mean',
  });
  it('≈ δ² for small δ and 2c|δ| for large δ; exponential schedule needs timesteps', () => {
    const c = 0.1;
    const small = scheduledPseudoHuber.create({ huberC: c }).compute({ predictions: tf.tensor1d([1e-3]), targets: tf.zeros([1]) });
    expectTensorsClose(small, 1e-6, { rtol: 1e-3 });
    const large = scheduledPseudoHuber.create({ huberC: c }).compute({ predictions: tf.tensor1d([100]), targets: tf.zeros([1]) });
    expectTensorsClose(large, 2 * c * (Math.sqrt(1e4 + c * c) - c));
    let msg = '';
    try { scheduledPseudoHuber.create({ schedule: 'exponential' }).compute({ predictions: tf.zeros([1]), targets: tf.zeros([1]) }); } catch (e) { msg = String(e); }
    if (!/timesteps/.test(msg)) throw new Error('no timesteps error');
  });
  void randInt;
});

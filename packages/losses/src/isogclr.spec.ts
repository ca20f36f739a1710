import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { isogclr } from './isogclr.js';
import { randn, standardChecks, statefulChecks, statefulFixtureSuite } from './spec-harness.js';

const ids = (n: number, start = 0) => tf.tensor1d(Array.from({ length: n }, (_, i) => (start + i) % 10), 'int32');

describe('isogclr', () => {
  statefulFixtureSuite(isogclr, 'isogclr');
  standardChecks(isogclr, {
    output: 'embeddings',
    make: (n) => ({ embeddings: randn([n, 4], n + 1), positives: randn([n, 4], n + 2), sampleIds: ids(n) }),
    params: { numSamples: 10 },
    empty: 'throws',
    consistent: false, // every call updates the estimators
    fd: false, // the weights are detached by design: the gradient is the algorithm's, not that of the surrogate value
  });
  statefulChecks(isogclr, { params: { numSamples: 10 }, output: 'embeddings', make: (k) => ({ embeddings: randn([4, 4], k + 1), positives: randn([4, 4], k + 5), sampleIds: ids(4, 3 * k) }) });
  it('temperatures stay within [tauMin, tauMax] and move only for the visited ids', () => {
    const loss = isogclr.create({ numSamples: 10, eta: 5, tauMin: 0.05, tauMax: 0.7 }) as ReturnType<typeof isogclr.create> & { getState(): Record<string, tf.Tensor> };
    for (let k = 0; k < 3; k++) loss.compute({ embeddings: randn([4, 4], k), positives: randn([4, 4], k + 9), sampleIds: ids(4) }).dispose();
    const tau = Array.from(loss.getState().tau!.dataSync());
    for (const t of tau) expect(t >= 0.05 - 1e-7 && t <= 0.7 + 1e-7).toBe(true);
    expectTensorsClose(tau.slice(4), [0.1, 0.1, 0.1, 0.1, 0.1, 0.1]);
  });
});

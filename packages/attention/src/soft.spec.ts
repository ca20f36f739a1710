import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { expectNoLeak, expectTensorsClose } from '@tessera/testing';
import { expectNoSquare, fixtureSuite, qkv, registry } from './__fixtures__/attention-case.js';

describe('attention "soft"', () => {
  fixtureSuite('soft', it);

  it('never builds a [T, T] tensor in the non-causal case, with or without key padding (T = 256)', async () => {
    const att = registry.create('attention', 'soft', { numLandmarks: 8 });
    const x = qkv([1, 2, 256, 8]);
    const mask = tf.tidy(() => tf.reshape(tf.less(tf.range(0, 256), 200), [1, 1, 1, 256]));
    await expectNoSquare(() => att.apply(x), 256);
    await expectNoSquare(() => att.apply({ ...x, mask }), 256);
    await expectNoSquare(() => tf.grad((q: tf.Tensor) => tf.sum(att.apply({ ...x, query: q, mask })))(x.query), 256);
    await expectNoLeak(() => att.apply({ ...x, mask }));
    tf.dispose([mask, ...Object.values(x)]);
  });

  it('with the keys as landmarks and no regularisation, Nyström equals the exact Gaussian-kernel attention', () => {
    tf.tidy(() => {
      const x = qkv([1, 2, 5, 3], 4);
      const key = tf.mul(x.key, 2); // well-separated keys: a well-conditioned landmark kernel
      const nystrom = registry.create('attention', 'soft', { numLandmarks: 4, regularization: 0, iterations: 60 }).apply({ ...x, key });
      // the exact form is what a per-query (here: all-true) mask selects
      const exact = registry.create('attention', 'soft').apply({ ...x, key, mask: tf.ones([1, 1, 5, 4], 'bool') });
      expectTensorsClose(nystrom, exact, { rtol: 1e-3, atol: 1e-4 });
    });
  });
});

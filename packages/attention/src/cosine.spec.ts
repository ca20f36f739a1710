import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNoLeak, expectTensorsClose } from '@tessera/testing';
import { fixtureSuite, qkv, registry } from './__fixtures__/attention-case.js';
import type { AttentionVariant } from './attention-common.js';

describe('attention "cosine"', () => {
  fixtureSuite('cosine', it);

  it('is invariant to the norms of q and k, and declares its learnable per-head scale', async () => {
    const att = registry.create('attention', 'cosine', { scale: 4 }) as AttentionVariant;
    expect(att.weightSpecs.map((w) => [w.name, w.shape(3), w.init])).toEqual([['scale', [3], 4]]);
    const x = qkv([2, 3, 4, 5]);
    tf.tidy(() => {
      const a = att.apply(x);
      const b = att.apply({ query: tf.mul(x.query, 7), key: tf.mul(x.key, 0.1), value: x.value });
      expectTensorsClose(a, b);
      // passing the weight explicitly equals the default
      expectTensorsClose(att.apply({ ...x, weights: { scale: tf.fill([3], 4) } }), a);
    });
    await expectNoLeak(() => att.apply({ ...x, causal: true }));
    tf.dispose(Object.values(x));
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { expectNoLeak, expectTensorsClose } from '@tessera/testing';
import { expectNoSquare, fixtureSuite, qkv, registry } from './__fixtures__/attention-case.js';

describe('attention "linear"', () => {
  fixtureSuite('linear', it);

  it('never builds a [T, T] tensor, non-causal or causal, with or without key padding (T = 256)', async () => {
    const att = registry.create('attention', 'linear', { chunkSize: 16 });
    const x = qkv([1, 2, 256, 8]);
    const mask = tf.tidy(() => tf.reshape(tf.less(tf.range(0, 256), 200), [1, 1, 1, 256]));
    await expectNoSquare(() => att.apply(x), 256);
    await expectNoSquare(() => att.apply({ ...x, mask }), 256);
    await expectNoSquare(() => att.apply({ ...x, causal: true }), 256);
    await expectNoSquare(() => tf.grad((q: tf.Tensor) => tf.sum(att.apply({ ...x, query: q, causal: true })))(x.query), 256);
    tf.dispose([mask, ...Object.values(x)]);
  });

  it('the chunk size does not change the causal result; a per-query mask takes the quadratic path with the same result', async () => {
    const x = qkv([2, 2, 19, 4]);
    tf.tidy(() => {
      const ref = registry.create('attention', 'linear', { chunkSize: 19 }).apply({ ...x, causal: true });
      for (const c of [1, 3, 8, 64]) expectTensorsClose(registry.create('attention', 'linear', { chunkSize: c }).apply({ ...x, causal: true }), ref, { name: `chunk ${c}` });
      const band = tf.reshape(tf.linalg.bandPart(tf.ones([19, 19]), -1, 0), [1, 1, 19, 19]);
      expectTensorsClose(registry.create('attention', 'linear').apply({ ...x, mask: tf.cast(band, 'bool') }), ref);
    });
    await expectNoLeak(() => registry.create('attention', 'linear').apply({ ...x, causal: true }));
    tf.dispose(Object.values(x));
  });
});

describe('attention "linear" scale', () => {
  it('the scale only matters against ε: the default 1/√Dh agrees with the paper\'s unscaled form to 1e-4', () => {
    tf.tidy(() => {
      const x = qkv([2, 2, 7, 16]);
      for (const causal of [false, true]) {
        expectTensorsClose(registry.create('attention', 'linear').apply({ ...x, causal }), registry.create('attention', 'linear', { scale: 1 }).apply({ ...x, causal }));
      }
    });
  });
});

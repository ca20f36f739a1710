import * as tf from '@tensorflow/tfjs-core';
import type { Attention, AttentionInputs } from '@tessera/core';
import { expect } from 'vitest';
import { expectNoLeak } from '../expect-no-leak.js';
import { expectTensorsClose } from '../expect-tensors-close.js';
import type { CheckContext } from '../run-conformance.js';

/** B, H, T, Dh of generated inputs. */
const [B, H, T, DH] = [2, 2, 5, 4];
const values = (t: tf.Tensor) => Array.from(t.dataSync());

function qkv(seed = 3): AttentionInputs {
  return {
    query: tf.randomNormal([B, H, T, DH], 0, 1, 'float32', seed),
    key: tf.randomNormal([B, H, T, DH], 0, 1, 'float32', seed + 1),
    value: tf.randomNormal([B, H, T, DH], 0, 1, 'float32', seed + 2),
  };
}

const free = (i: AttentionInputs) => tf.dispose([i.query, i.key, i.value, ...(i.mask ? [i.mask] : [])]);

export function attentionChecks(ctx: CheckContext): void {
  const create = () => ctx.create() as Attention;
  const inputs = () => (ctx.override.inputs ? (ctx.override.inputs() as AttentionInputs) : qkv());

  ctx.test('output is [B, H, Tq, Dh] and finite', () => {
    const i = inputs();
    const y = create().apply(i);
    expect(y.shape).toEqual(i.query.shape.slice(0, 3).concat(i.value.shape[3]!));
    expect(values(y).every(Number.isFinite)).toBe(true);
    tf.dispose(y);
    free(i);
  });

  ctx.test('leaks no tensor', async () => {
    const att = create();
    const i = inputs();
    att.apply(i).dispose();
    await expectNoLeak(() => att.apply(i));
    await expectNoLeak(() => att.apply({ ...i, causal: true }));
    free(i);
  });

  ctx.test('gradients with respect to query, key and value are finite', () => {
    const att = create();
    const i = inputs();
    const grads = tf.grads((q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => tf.sum(tf.square(att.apply({ query: q, key: k, value: v, causal: true }))) as tf.Scalar)([
      i.query,
      i.key,
      i.value,
    ]);
    for (const g of grads) expect(values(g).every(Number.isFinite)).toBe(true);
    tf.dispose(grads);
    free(i);
  });

  ctx.test('masked keys do not influence the output', () => {
    const att = create();
    const i = inputs();
    // Keys 3 and 4 masked for every query.
    const mask = tf.tensor([true, true, true, false, false], [1, 1, 1, T], 'bool');
    const a = att.apply({ ...i, mask });
    const changed = tf.tidy(() => {
      const keep = tf.tensor([1, 1, 1, 0, 0], [1, 1, T, 1]);
      return { key: tf.add(tf.mul(i.key, keep), tf.mul(tf.sub(1, keep), 7)), value: tf.add(tf.mul(i.value, keep), tf.mul(tf.sub(1, keep), -9)) };
    });
    const b = att.apply({ ...i, ...changed, mask });
    expectTensorsClose(b, a, { rtol: 1e-5, atol: 1e-6, name: 'output with masked keys changed' });
    tf.dispose([a, b, mask, changed.key, changed.value]);
    free(i);
  });

  ctx.test('a fully masked query row gives zeros, never NaN', () => {
    const att = create();
    const i = inputs();
    // Query 0 may attend nothing; the others attend everything.
    const rows = Array.from({ length: T * T }, (_, n) => Math.floor(n / T) !== 0);
    const mask = tf.tensor(rows, [1, 1, T, T], 'bool');
    const y = att.apply({ ...i, mask });
    const row0 = tf.slice(y, [0, 0, 0, 0], [B, H, 1, y.shape[3]!]);
    expect(values(y).every(Number.isFinite)).toBe(true);
    expect(values(row0).every((v) => v === 0)).toBe(true);
    tf.dispose([y, row0, mask]);
    free(i);
  });

  ctx.test('causal equals the explicit lower-triangular mask', () => {
    const att = create();
    const i = inputs();
    const tri = tf.tidy(() => tf.cast(tf.linalg.bandPart(tf.ones([T, T]), -1, 0), 'bool'));
    const a = att.apply({ ...i, causal: true });
    const b = att.apply({ ...i, mask: tri });
    expectTensorsClose(a, b, { rtol: 1e-4, atol: 1e-5, name: 'causal vs mask' });
    tf.dispose([a, b, tri]);
    free(i);
  });

  ctx.test('deterministic', () => {
    const i = inputs();
    const a = create().apply(i);
    const b = create().apply(i);
    expect(values(a)).toEqual(values(b));
    tf.dispose([a, b]);
    free(i);
  });
}

import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradient, expectNoLeak, expectTensorsClose } from '@tessera/testing';
import { fixtureSuite, qkv, registry } from './__fixtures__/attention-case.js';
import type { AttentionVariant } from './attention-common.js';

describe('attention "softplus" (LSSA / LSSAR)', () => {
  fixtureSuite('softplus', it);

  it('LSSA closed form: with q ⟂ every key the weights are uniform over the attendable keys', () => {
    const att = registry.create('attention', 'softplus');
    tf.tidy(() => {
      // q = e₁, keys along e₂: q̂·k̂ = 0 → Softplus(0) = log 2 for every key → a = 1/N_i
      const query = tf.reshape(tf.tensor([1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]), [1, 1, 4, 4]);
      const key = tf.reshape(tf.tensor([0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0]), [1, 1, 4, 4]);
      const value = tf.reshape(tf.tensor([1, 2, 4, 8]), [1, 1, 4, 1]);
      expectTensorsClose(att.apply({ query, key, value, causal: true }), tf.reshape(tf.tensor([1, 3 / 2, 7 / 3, 15 / 4]), [1, 1, 4, 1]));
    });
  });

  it('LSSA closed form: λ_i = log Dh · log N_i on the cosine (two keys, cos = ±1)', () => {
    const att = registry.create('attention', 'softplus');
    tf.tidy(() => {
      const Dh = 4;
      const query = tf.tensor([[[[2, 0, 0, 0]]]]);
      const key = tf.tensor([[[[3, 0, 0, 0], [-5, 0, 0, 0]]]]);
      const value = tf.tensor([[[[1], [0]]]]);
      const lam = Math.log(Dh) * Math.log(2);
      const sp = (z: number) => Math.log1p(Math.exp(z));
      expectTensorsClose(att.apply({ query, key, value }), tf.tensor([[[[sp(lam) / (sp(lam) + sp(-lam))]]]]));
      // an explicit scale c replaces log Dh
      const att3 = registry.create('attention', 'softplus', { scale: 3 });
      const l3 = 3 * Math.log(2);
      expectTensorsClose(att3.apply({ query, key, value }), tf.tensor([[[[sp(l3) / (sp(l3) + sp(-l3))]]]]));
    });
  });

  it('LSSAR closed form: ReLU(a·N − 1)^p, normalised, and rows with N_i ≤ 3 unshifted', () => {
    const p = 3;
    const att = registry.create('attention', 'softplus', { reweight: true, power: p }) as AttentionVariant;
    const sp = (z: number) => Math.log1p(Math.exp(z));
    tf.tidy(() => {
      // one query, four keys with cosines 1, 0.5, 0, −1 → N = 4 (shifted, O = 1)
      const query = tf.tensor([[[[1, 0]]]]);
      const key = tf.tensor([[[[1, 0], [0.5, Math.sqrt(3) / 2], [0, 1], [-1, 0]]]]);
      const value = tf.reshape(tf.eye(4), [1, 1, 4, 4]);
      const lam = Math.log(2) * Math.log(4);
      const e = [1, 0.5, 0, -1].map((c) => sp(lam * c));
      const a = e.map((x) => x / e.reduce((s, y) => s + y, 0));
      const r = a.map((x) => Math.max(x * 4 - 1, 0) ** p);
      const w = r.map((x) => x / r.reduce((s, y) => s + y, 0));
      let seen: number[] = [];
      const out = att.apply({ query, key, value, onWeights: (t) => (seen = Array.from(t.dataSync())) });
      expectTensorsClose(out, tf.tensor([[[w]]]));
      expect(seen.length).toBe(4);
      // three keys: N = 3 ≤ unshiftedRows → O = 0, r = (a·3)^p
      const k3 = tf.slice(key, [0, 0, 0, 0], [1, 1, 3, 2]);
      const e3 = [1, 0.5, 0].map((c) => sp(Math.log(2) * Math.log(3) * c));
      const r3 = e3.map((x) => x ** p);
      const w3 = r3.map((x) => x / r3.reduce((s, y) => s + y, 0));
      expectTensorsClose(att.apply({ query, key: k3, value: tf.slice(value, [0, 0, 0, 0], [1, 1, 3, 4]) }), tf.tensor([[[[...w3, 0]]]]));
    });
  });

  it('LSSAR stays finite at long rows and large p (row-max rescaling before the power)', () => {
    const att = registry.create('attention', 'softplus', { reweight: true, power: 64 });
    tf.tidy(() => {
      const x = qkv([1, 1, 512, 8]);
      // a key identical to the last query: a·N ≫ 1 and (a·N − 1)^64 would overflow float32 without rescaling
      const key = tf.concat([tf.slice(x.key, [0, 0, 0, 0], [1, 1, 511, 8]), tf.mul(tf.slice(x.query, [0, 0, 511, 0], [1, 1, 1, 8]), 3)], 2);
      const out = att.apply({ query: x.query, key, value: x.value, causal: true });
      expect(Array.from(out.dataSync()).every(Number.isFinite)).toBe(true);
      const sums = tf.sum(att.apply({ query: x.query, key, value: tf.ones([1, 1, 512, 1]), causal: true }), 2);
      expectTensorsClose(sums, tf.fill([1, 1, 1], 512), { rtol: 1e-4 });
    });
  });

  it('is invariant to the norms of q and k; masked keys get exactly zero; a fully masked row is zero', async () => {
    for (const reweight of [false, true]) {
      const att = registry.create('attention', 'softplus', { reweight });
      const x = qkv([2, 3, 4, 5], 6);
      const mask = tf.tensor([true, true, true, true, false, false, false, false, false, false, false, false, true, true, true, true, true, false, true, true, false, true, true, true], [1, 1, 4, 6], 'bool');
      tf.tidy(() => {
        const a = att.apply({ ...x, mask });
        expectTensorsClose(att.apply({ query: tf.mul(x.query, 7), key: tf.mul(x.key, 0.1), value: x.value, mask }), a);
        expect(Array.from(tf.slice(a, [0, 0, 1, 0], [2, 3, 1, 5]).dataSync())).toEqual(new Array(30).fill(0));
        // with the last two keys masked for everyone, changing those keys and values changes nothing
        const keep = tf.tensor([true, true, true, true, false, false], [1, 1, 6, 1], 'bool');
        const mask2 = tf.logicalAnd(mask, tf.reshape(keep, [1, 1, 1, 6]));
        const key2 = tf.where(keep, x.key, tf.mul(x.key, -3));
        const value2 = tf.where(keep, x.value, tf.fill(x.value.shape, 99));
        expectTensorsClose(att.apply({ query: x.query, key: key2, value: value2, mask: mask2 }), att.apply({ ...x, mask: mask2 }));
      });
      await expectNoLeak(() => att.apply({ ...x, mask, causal: true }));
      tf.dispose([mask, ...Object.values(x)]);
    }
  });

  it('gradients of a fully masked row are zero and finite; finite differences agree (LSSAR)', () => {
    const att = registry.create('attention', 'softplus', { reweight: true, power: 3 });
    const mask = tf.tensor([true, true, true, true, false, false, false, false, true, false, true, true], [1, 1, 3, 4], 'bool');
    const x = qkv([1, 2, 3, 3], 4);
    const g = tf.grads((q: tf.Tensor, k: tf.Tensor, v: tf.Tensor) => tf.sum(att.apply({ query: q, key: k, value: v, mask })))([x.query, x.key, x.value]);
    for (const t of g) expect(Array.from(t.dataSync()).every(Number.isFinite)).toBe(true);
    expect(Array.from(tf.slice(g[0]!, [0, 0, 1, 0], [1, 2, 1, 3]).dataSync())).toEqual(new Array(6).fill(0));
    checkGradient((q: tf.Tensor) => tf.sum(tf.square(att.apply({ query: q, key: x.key, value: x.value, causal: true }))), x.query);
    checkGradient((k: tf.Tensor) => tf.sum(tf.square(att.apply({ query: x.query, key: k, value: x.value, mask }))), x.key);
    tf.dispose([mask, ...g, ...Object.values(x)]);
  });

  it('rejects unknown hyperparameters and out-of-range values with the name', () => {
    expect(() => registry.create('attention', 'softplus', { powr: 3 })).toThrow(/power/);
    expect(() => registry.create('attention', 'softplus', { power: 0 })).toThrow(/power/);
  });
});

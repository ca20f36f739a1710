// Test helper (not shipped): runs one oracle case of tools/oracle/gen_attention.py through the registry.
import * as tf from '@tensorflow/tfjs-core';
import { createRegistry } from '@tessera/core';
import { expectTensorsClose, fixtureTensor, fixtureValues, loadFixture, type FixtureTensor } from '@tessera/testing';
import attentionModule from '../module.js';
import type { AttentionVariant } from '../attention-common.js';

export interface AttentionCase {
  params: Record<string, unknown>;
  causal: boolean;
  query: FixtureTensor;
  key: FixtureTensor;
  value: FixtureTensor;
  mask?: FixtureTensor;
  cotangent: FixtureTensor;
  output: FixtureTensor;
  dQuery: FixtureTensor;
  dKey: FixtureTensor;
  dValue: FixtureTensor;
  weights?: Record<string, FixtureTensor>;
  dWeights?: Record<string, FixtureTensor>;
}

export const registry = createRegistry(attentionModule);

export function loadCases(name: string): Record<string, AttentionCase> {
  return loadFixture<{ cases: Record<string, AttentionCase> }>(new URL(`./${name}.json`, import.meta.url)).cases;
}

/** Checks the output and the gradients w.r.t. query, key, value (and weights) of one case. */
export function checkCase(name: string, c: AttentionCase, opts: { params?: Record<string, unknown>; rtol?: number; atol?: number } = {}): void {
  const attention = registry.create('attention', name, { ...c.params, ...opts.params }) as AttentionVariant;
  const tol = { rtol: opts.rtol ?? 1e-4, atol: opts.atol ?? 1e-5 };
  tf.tidy(() => {
    const q = fixtureTensor(c.query);
    const k = fixtureTensor(c.key);
    const v = fixtureTensor(c.value);
    const mask = c.mask ? fixtureTensor(c.mask) : undefined;
    const g = fixtureTensor(c.cotangent);
    const wNames = Object.keys(c.weights ?? {});
    const wTensors = wNames.map((n) => fixtureTensor(c.weights![n]!));
    const run = (qq: tf.Tensor, kk: tf.Tensor, vv: tf.Tensor, ww: tf.Tensor[]) =>
      attention.apply({
        query: qq,
        key: kk,
        value: vv,
        mask,
        causal: c.causal,
        ...(wNames.length ? { weights: Object.fromEntries(wNames.map((n, i) => [n, ww[i]!])) } : {}),
      });
    expectTensorsClose(run(q, k, v, wTensors), fixtureValues(c.output), { ...tol, name: `${name} output` });
    const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(run(xs[0]!, xs[1]!, xs[2]!, xs.slice(3)), g)))([q, k, v, ...wTensors]);
    expectTensorsClose(grads[0]!, fixtureValues(c.dQuery), { ...tol, name: `${name} dQuery` });
    expectTensorsClose(grads[1]!, fixtureValues(c.dKey), { ...tol, name: `${name} dKey` });
    expectTensorsClose(grads[2]!, fixtureValues(c.dValue), { ...tol, name: `${name} dValue` });
    wNames.forEach((n, i) => expectTensorsClose(grads[3 + i]!, fixtureValues(c.dWeights![n]!), { ...tol, name: `${name} d${n}` }));
  });
}

/** Registers one `it` per oracle case of a variant. */
export function fixtureSuite(name: string, it: (title: string, fn: () => void) => void): void {
  for (const [title, c] of Object.entries(loadCases(name))) {
    it(`matches the oracle: ${title} (output and gradients w.r.t. q, k, v${c.weights ? ', weights' : ''})`, () => checkCase(name, c));
  }
}

/** Random q, k, v. */
export function qkv(shape: [number, number, number, number], tk = shape[2], dv = shape[3], seed = 1) {
  const [b, h, tq, dh] = shape;
  return {
    query: tf.randomNormal([b, h, tq, dh], 0, 1, 'float32', seed),
    key: tf.randomNormal([b, h, tk, dh], 0, 1, 'float32', seed + 1),
    value: tf.randomNormal([b, h, tk, dv], 0, 1, 'float32', seed + 2),
  };
}

/** Asserts that no kernel run by `fn` outputs a tensor whose last two axes are [T, T] (T ≥ 64). */
export function expectNoSquare(fn: () => tf.Tensor, T: number): Promise<void> {
  return tf.profile(() => fn()).then((info) => {
    for (const k of info.kernels) {
      for (const shape of k.outputShapes) {
        const s = shape as number[];
        if (s.length >= 2 && s[s.length - 1] === T && s[s.length - 2] === T) {
          throw new Error(`kernel ${k.name} built a [${s.join(', ')}] tensor`);
        }
      }
    }
  });
}

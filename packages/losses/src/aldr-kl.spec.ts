import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { aldrKl } from './aldr-kl.js';
import { ldrKl } from './ldr-kl.js';
import { randInt, randn, standardChecks, statefulChecks, statefulFixtureSuite } from './spec-harness.js';

const ids = (n: number, start = 0) => tf.tensor1d(Array.from({ length: n }, (_, i) => (start + i) % 10), 'int32');

describe('aldr-kl', () => {
  statefulFixtureSuite(aldrKl, 'aldr-kl');
  standardChecks(aldrKl, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 5], n + 1, 3), labels: randInt(n, 5, n + 7), sampleIds: ids(n) }),
    params: { numSamples: 10 },
    empty: 'zero',
    consistent: false, // every call updates λ_i, so successive reductions see different states
    allIgnored: () => ({ logits: randn([3, 5], 3), labels: tf.tensor1d([-100, -100, -100], 'int32'), sampleIds: ids(3) }),
    fd: false, // λ_i is updated (detached) on every call, so the value moves between finite-difference evaluations
  });
  statefulChecks(aldrKl, { params: { numSamples: 10 }, output: 'logits', make: (k) => ({ logits: randn([4, 5], k + 1, 2), labels: randInt(4, 5, k + 3), sampleIds: ids(4, 3 * k) }) });
  it('setState copies what it keeps (no tensor leaked, the caller may dispose its tensors)', () => {
    const loss = aldrKl.create({ numSamples: 10 }) as ReturnType<typeof aldrKl.create> & { setState(s: Record<string, tf.Tensor>): void; getState(): Record<string, tf.Tensor>; dispose(): void };
    const given = tf.fill([10], 0.5);
    loss.setState({ lambda: given });
    const before = tf.memory().numTensors;
    loss.setState({ lambda: given });
    expect(tf.memory().numTensors).toBe(before);
    given.dispose();
    expectTensorsClose(loss.getState().lambda!, new Array(10).fill(0.5));
    expect(() => loss.setState({ lambda: tf.zeros([3]) })).toThrow(/numSamples/);
    expect(() => loss.setState({ nope: tf.zeros([10]) })).toThrow(/unknown state/);
    loss.dispose();
  });
  it('with α huge, λ_i stays λ₀ and the loss is LDR-KL on L1-normalised logits (softplus + mean normalisation coincide for softplus)', () => {
    const logits = randn([4, 5], 9, 2);
    const labels = randInt(4, 5, 1);
    const a = aldrKl.create({ numSamples: 10, alpha: 1e4, softplus: true, threshold: 1.5 }).compute({ logits, labels, sampleIds: ids(4) });
    const b = ldrKl.create({ threshold: 1.5, lambda: 1 }).compute({ logits, labels });
    expectTensorsClose(a, b, { rtol: 1e-3 });
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { InvalidParamsError, ShapeError } from '@tessera/core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { crossEntropy } from './cross-entropy.js';
import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

describe('cross-entropy', () => {
  fixtureSuite(crossEntropy, 'cross-entropy');

  standardChecks(crossEntropy, {
    output: 'logits',
    make: (n) => ({ logits: randn([n, 5], n + 1, 3), labels: randInt(n, 5, n + 7) }),
    empty: 'zero',
    allIgnored: () => ({ logits: randn([3, 4], 3), labels: tf.tensor1d([-100, -100, -100], 'int32') }),
    params: { labelSmoothing: 0.1 },
  });

  it('probability targets: empty batch gives 0, finite gradient at ±1e4', () => {
    const loss = crossEntropy.create();
    const empty = loss.compute({ logits: tf.zeros([0, 3]), labels: tf.zeros([0, 3]) });
    expect(empty.dataSync()[0]).toBe(0);
    const logits = tf.tensor2d([[1e4, -1e4, 0], [-1e4, -1e4, 1e4]]);
    const labels = tf.tensor2d([[0.5, 0.5, 0], [0.2, 0.3, 0.5]]);
    const g = tf.grad((z: tf.Tensor) => loss.compute({ logits: z, labels }) as tf.Scalar)(logits);
    expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
  });

  it('one-hot probability targets equal class ids', () => {
    const loss = crossEntropy.create({ labelSmoothing: 0.2 });
    const logits = randn([5, 4], 9, 2);
    const ids = randInt(5, 4, 3);
    const probs = tf.cast(tf.oneHot(ids, 4), 'float32');
    expectTensorsClose(loss.compute({ logits, labels: probs }, { reduction: 'none' }), loss.compute({ logits, labels: ids }, { reduction: 'none' }));
  });

  it('per-sample weights scale each term and its count in the mean', () => {
    const loss = crossEntropy.create();
    const logits = randn([4, 3], 2);
    const labels = randInt(4, 3, 5);
    const weights = tf.tensor1d([1, 0, 2, 1]);
    const none = loss.compute({ logits, labels }, { reduction: 'none' }).arraySync() as number[];
    const expected = (none[0]! + 2 * none[2]! + none[3]!) / 4;
    expectTensorsClose(loss.compute({ logits, labels, weights }), expected);
  });

  it('rejects bad hyperparameters and mis-sized class weights', () => {
    expect(() => crossEntropy.create({ labelSmoothing: 1.5 })).toThrow(InvalidParamsError);
    expect(() => crossEntropy.create({ labelSmothing: 0.1 })).toThrow(/labelSmoothing/);
    const loss = crossEntropy.create({ classWeights: [1, 2] });
    expect(() => loss.compute({ logits: randn([2, 3]), labels: randInt(2, 3) })).toThrow(/classWeights.*C = 3/);
  });

  it('labels of the wrong dtype or batch fail naming labels', () => {
    const loss = crossEntropy.create();
    const logits = randn([3, 4]);
    expect(() => loss.compute({ logits, labels: tf.tensor1d([0, 1, 2], 'float32') })).toThrow(/labels.*int32/);
    expect(() => loss.compute({ logits, labels: tf.tensor1d([0, 1], 'int32') })).toThrow(ShapeError);
    expect(() => loss.compute({ logits, labels: tf.zeros([3, 5]) })).toThrow(/labels/);
  });
});

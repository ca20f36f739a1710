import fs from 'node:fs';
import zlib from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import { Sfc32Rng } from '@tessera/core';

/** The shipped UCI digits (scikit-learn's copy), read from the digits example's data folder. */
const FILE = new URL('../../digits/data/digits.csv.gz', import.meta.url);

export interface PairsOptions {
  /** Anchor/positive pairs drawn from the training split. */
  trainPairs: number;
  /** Random candidate negatives per pair (any class: about 1 in 10 is a false negative). */
  candidates: number;
  /** Fraction of each class held out for recall@1. */
  testFraction: number;
  seed: number;
}

export interface DigitPairs {
  /** `x = { anchor [N,64], positive [N,64], negatives [N,Kc,64] }`; `fields.sampleIds [N]` (the frozen guide caches by id). */
  train: { x: { anchor: tf.Tensor2D; positive: tf.Tensor2D; negatives?: tf.Tensor3D }; fields: { sampleIds: tf.Tensor1D } };
  /** Held-out images `[M, 64]` and their classes `[M]`, never seen in training. */
  test: { x: tf.Tensor2D; y: number[] };
  /** Mean training pixel `[64]` (the guide centres pixels with it). */
  mean: tf.Tensor1D;
  dispose(): void;
}

/**
 * Deterministic pairs for embedding learning without labels: two different
 * images of the same digit form a pair; the class is *not* given to the
 * loss, so in-batch negatives include false negatives (same digit), as in
 * retrieval data. Pixels scaled to [0, 1].
 */
export function digitPairs(o: PairsOptions): DigitPairs {
  const rows = zlib.gunzipSync(fs.readFileSync(FILE)).toString('utf8').trim().split('\n').map((l) => l.split(',').map(Number));
  const rng = new Sfc32Rng(o.seed);
  const byClass = new Map<number, number[][]>();
  for (const r of rows) {
    const c = r[64]!;
    if (!byClass.has(c)) byClass.set(c, []);
    byClass.get(c)!.push(r.slice(0, 64).map((v) => v / 16));
  }
  const train = new Map<number, number[][]>();
  const testX: number[][] = [];
  const testY: number[] = [];
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  for (const c of classes) {
    const items = rng.shuffle(byClass.get(c)!);
    const nTest = Math.round(items.length * o.testFraction);
    items.slice(0, nTest).forEach((x) => (testX.push(x), testY.push(c)));
    train.set(c, items.slice(nTest));
  }
  const all = [...train.values()].flat();
  const a: number[][] = [];
  const p: number[][] = [];
  const n: number[][][] = [];
  for (let i = 0; i < o.trainPairs; i++) {
    const items = train.get(classes[rng.nextInt(classes.length)]!)!;
    const i1 = rng.nextInt(items.length);
    let i2 = rng.nextInt(items.length - 1);
    if (i2 >= i1) i2 += 1;
    a.push(items[i1]!);
    p.push(items[i2]!);
    n.push(Array.from({ length: o.candidates }, () => all[rng.nextInt(all.length)]!));
  }
  const mean = tf.tensor1d(Array.from({ length: 64 }, (_, j) => all.reduce((s, r) => s + r[j]!, 0) / all.length));
  const x = {
    anchor: tf.tensor2d(a),
    positive: tf.tensor2d(p),
    ...(o.candidates > 0 ? { negatives: tf.tensor3d(n) } : {}),
  };
  const sampleIds = tf.tensor1d(Array.from({ length: o.trainPairs }, (_, i) => i), 'int32');
  const test = { x: tf.tensor2d(testX), y: testY };
  return {
    train: { x, fields: { sampleIds } },
    test,
    mean,
    dispose: () => tf.dispose([x.anchor, x.positive, ...(x.negatives ? [x.negatives] : []), sampleIds, test.x, mean]),
  };
}

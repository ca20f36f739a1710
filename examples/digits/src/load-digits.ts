import fs from 'node:fs';
import zlib from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import { Sfc32Rng, type TensorData } from '@tessera/core';

const FILE = new URL('../data/digits.csv.gz', import.meta.url);

export interface DigitsSplit {
  readonly train: TensorData & { x: tf.Tensor; y: tf.Tensor };
  readonly test: TensorData & { x: tf.Tensor; y: tf.Tensor };
}

/**
 * The 1,797 8×8 digits, pixels scaled to [0, 1], split into train and test
 * with a seeded shuffle (`testFraction` of each class held out).
 * x: [N, 64] float32; y: [N] int32 class ids.
 */
export function loadDigits({ testFraction = 0.2, seed = 0 } = {}): DigitsSplit {
  const rows = zlib
    .gunzipSync(fs.readFileSync(FILE))
    .toString('utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(',').map(Number));
  const byClass = new Map<number, number[][]>();
  for (const r of rows) {
    const label = r[64]!;
    if (!byClass.has(label)) byClass.set(label, []);
    byClass.get(label)!.push(r);
  }
  const rng = new Sfc32Rng(seed);
  const train: number[][] = [];
  const test: number[][] = [];
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    const items = rng.shuffle(byClass.get(label)!);
    const nTest = Math.round(items.length * testFraction);
    test.push(...items.slice(0, nTest));
    train.push(...items.slice(nTest));
  }
  const toData = (rs: number[][]) => ({
    x: tf.tensor2d(rs.map((r) => r.slice(0, 64).map((v) => v / 16))),
    y: tf.tensor1d(rs.map((r) => r[64]!), 'int32'),
  });
  return { train: toData(train), test: toData(test) };
}

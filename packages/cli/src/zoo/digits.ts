import fs from 'node:fs';
import zlib from 'node:zlib';
import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, Sfc32Rng, z } from '@tessera/core';
import { dataFile } from './data-file.js';
import type { DatasetSource, LoadedData } from './types.js';

/** The rows of the shipped digits file: 64 pixel values (0–16) then the class. */
export function readDigitRows(): number[][] {
  return zlib
    .gunzipSync(fs.readFileSync(dataFile('digits.csv.gz')))
    .toString('utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(',').map(Number));
}

/** A stratified split: `testFraction` of each class held out, with a seeded shuffle. */
export function splitByClass(rows: number[][], testFraction: number, seed: number): { train: number[][]; test: number[][] } {
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
  return { train, test };
}

export const digitsParams = z.strictObject({
  testFraction: z.number().min(0.05).max(0.5).default(0.2).describe('Fraction of each class held out for validation.'),
  splitSeed: z.int().min(0).default(0).describe('Seed of the train/validation split (fixed across a sweep\'s seeds, so every run is scored on the same samples).'),
  limit: z.int().min(10).optional().describe('Use only the first N training samples (quick runs and tests).'),
});

/**
 * The 1,797 UCI 8×8 hand-written digits shipped with scikit-learn: x `[N, 64]`
 * (pixels scaled to [0, 1]), y `[N]` int32 class ids, stratified split.
 *
 * @see https://archive.ics.uci.edu/dataset/80
 */
export const digitsDataset = definePlugin({
  kind: 'dataset',
  name: 'digits',
  package: '@tessera/cli',
  summary: '8×8 hand-written digits (1,797 images, 10 classes), shipped; x [N, 64] in [0, 1], y [N] class ids.',
  paper: { title: 'Optical Recognition of Handwritten Digits (UCI ML repository)', year: 1998, url: 'https://archive.ics.uci.edu/dataset/80' },
  params: digitsParams,
  create: (p): DatasetSource => ({
    load(): LoadedData {
      const { train, test } = splitByClass(readDigitRows(), p.testFraction, p.splitSeed);
      // The split lists the classes in order: shuffle so that a `limit` keeps every class.
      const shuffled = new Sfc32Rng(p.splitSeed + 1).shuffle(train.slice());
      const used = p.limit ? shuffled.slice(0, p.limit) : shuffled;
      const toData = (rs: number[][]) => ({
        x: tf.tensor2d(rs.map((r) => r.slice(0, 64).map((v) => v / 16))),
        y: tf.tensor1d(rs.map((r) => r[64]!), 'int32'),
      });
      const tr = toData(used);
      const va = toData(test);
      return {
        train: tr,
        validation: va,
        info: { features: 64, numClasses: 10, description: `digits: ${used.length} train / ${test.length} validation, 64 features, 10 classes` },
        dispose: () => tf.dispose([tr.x, tr.y, va.x, va.y]),
      };
    },
  }),
});

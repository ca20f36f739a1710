import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, Sfc32Rng, z } from '@tessera/core';
import { readDigitRows, splitByClass } from './digits.js';
import type { DatasetSource, LoadedData } from './types.js';

export const digitPairsParams = z.strictObject({
  trainPairs: z.int().min(8).max(100_000).default(1024).describe('Anchor/positive pairs drawn from the training split.'),
  validationPairs: z.int().min(8).max(10_000).default(256).describe('Pairs drawn from the validation split.'),
  testFraction: z.number().min(0.05).max(0.5).default(0.2).describe('Fraction of each class held out.'),
  splitSeed: z.int().min(0).default(0).describe('Seed of the split and of the pairing.'),
});

/**
 * Pairs for embedding learning with in-batch negatives: x is
 * `{ anchor: [N, 64], positive: [N, 64] }`, two different images of the same
 * digit; the other positives of a batch serve as the negatives (InfoNCE /
 * multiple-negatives ranking). y `[N]` holds the class; the trainer hands it
 * to the loss as `labels`, so losses that read labels (info-nce,
 * multiple-negatives-ranking) do not count a same-class item as a negative.
 */
export const digitPairsDataset = definePlugin({
  kind: 'dataset',
  name: 'digit-pairs',
  package: '@tessera/cli',
  summary: 'Anchor/positive pairs of same-class 8×8 digits for embedding learning with in-batch negatives; x { anchor, positive } [N, 64].',
  params: digitPairsParams,
  create: (p): DatasetSource => ({
    load(): LoadedData {
      const { train, test } = splitByClass(readDigitRows(), p.testFraction, p.splitSeed);
      const rng = new Sfc32Rng(p.splitSeed + 1);
      const pairs = (rows: number[][], n: number) => {
        const byClass = new Map<number, number[][]>();
        for (const r of rows) {
          if (!byClass.has(r[64]!)) byClass.set(r[64]!, []);
          byClass.get(r[64]!)!.push(r);
        }
        const classes = [...byClass.keys()].sort((a, b) => a - b);
        const a: number[][] = [];
        const b: number[][] = [];
        const y: number[] = [];
        for (let i = 0; i < n; i++) {
          const c = classes[rng.nextInt(classes.length)]!;
          const items = byClass.get(c)!;
          const i1 = rng.nextInt(items.length);
          let i2 = rng.nextInt(items.length - 1);
          if (i2 >= i1) i2 += 1;
          a.push(items[i1]!.slice(0, 64).map((v) => v / 16));
          b.push(items[i2]!.slice(0, 64).map((v) => v / 16));
          y.push(c);
        }
        return { x: { anchor: tf.tensor2d(a), positive: tf.tensor2d(b) }, y: tf.tensor1d(y, 'int32') };
      };
      const tr = pairs(train, p.trainPairs);
      const va = pairs(test, p.validationPairs);
      return {
        train: tr,
        validation: va,
        info: { features: 64, description: `digit-pairs: ${p.trainPairs} train / ${p.validationPairs} validation same-class pairs, 64 features` },
        dispose: () => tf.dispose([tr.x.anchor, tr.x.positive, tr.y, va.x.anchor, va.x.positive, va.y]),
      };
    },
  }),
});

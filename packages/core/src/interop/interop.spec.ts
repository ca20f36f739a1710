import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import type { Callback } from '../contracts/callback.js';
import type { Loss } from '../contracts/loss.js';
import { definePlugin } from '../plugin/plugin.js';
import { z } from 'zod';
import { toLayersCallbacks } from './layers-callbacks.js';
import { toLayersLoss } from './layers-loss.js';

/** Mean squared error over all elements, as a Tessera loss reading predictions/targets. */
const mse = definePlugin({
  kind: 'loss',
  name: 'interop-mse',
  summary: 'test',
  io: { required: ['predictions', 'targets'], output: 'predictions', target: 'targets' },
  params: z.strictObject({}),
  create: (_p, manifest): Loss => ({ manifest, compute: ({ predictions, targets }) => tf.mean(tf.square(tf.sub(predictions!, targets!))) }),
}).create();

/** Sparse softmax cross-entropy reading logits/labels (class ids). */
const sparseCe = definePlugin({
  kind: 'loss',
  name: 'interop-ce',
  summary: 'test',
  params: z.strictObject({}),
  create: (_p, manifest): Loss => ({
    manifest,
    compute: ({ logits, labels }) => {
      if (labels!.dtype !== 'int32' || labels!.rank !== 1) throw new Error(`labels must be [N] int32, got ${labels!.dtype} [${labels!.shape}]`);
      return tf.neg(tf.mean(tf.sum(tf.mul(tf.oneHot(labels!, logits!.shape[1]!), tf.logSoftmax(logits!)), 1)));
    },
  }),
}).create();

function linearModel(units = 1, seed = 1) {
  return tfl.sequential({ layers: [tfl.layers.dense({ units, inputShape: [3], kernelInitializer: tfl.initializers.glorotUniform({ seed }) })] });
}
const x = tf.tensor2d([[1, 2, 3], [0, 1, 0], [2, 0, 1], [1, 1, 1], [0, 0, 2], [3, 1, 0]]);
const y = tf.tensor2d([[1], [0], [2], [1], [0.5], [2]]);

describe('toLayersLoss', () => {
  it('trains in model.compile/model.fit exactly like the equivalent built-in loss', async () => {
    const a = linearModel();
    a.compile({ optimizer: tf.train.sgd(0.05), loss: toLayersLoss(mse) });
    const b = linearModel();
    b.compile({ optimizer: tf.train.sgd(0.05), loss: 'meanSquaredError' });
    const ha = await a.fit(x, y, { epochs: 5, batchSize: 3, shuffle: false, verbose: 0 });
    const hb = await b.fit(x, y, { epochs: 5, batchSize: 3, shuffle: false, verbose: 0 });
    expect(ha.history['loss']).toHaveLength(5);
    for (let i = 0; i < 5; i++) expect(ha.history['loss']![i]).toBeCloseTo(hb.history['loss']![i] as number, 6);
    expect(ha.history['loss']![4]).toBeLessThan(ha.history['loss']![0] as number);
  });

  it('maps one-hot or [N, 1] targets to int32 class ids with targets: "class-ids"', () => {
    const fn = toLayersLoss(sparseCe, { targets: 'class-ids' });
    const logits = tf.tensor2d([[2, 0, -1], [0, 1, 0]]);
    const direct = sparseCe.compute({ logits, labels: tf.tensor1d([0, 2], 'int32') });
    expect(fn(tf.tensor2d([[1, 0, 0], [0, 0, 1]]), logits).dataSync()[0]).toBeCloseTo(direct.dataSync()[0]!, 6);
    expect(fn(tf.tensor2d([[0], [2]]), logits).dataSync()[0]).toBeCloseTo(direct.dataSync()[0]!, 6);
    expect(() => toLayersLoss(sparseCe)(tf.tensor2d([[0], [2]]), logits)).toThrow(/labels must be \[N\] int32/);
  });
});

describe('toLayersCallbacks', () => {
  it('runs the lifecycle hooks inside model.fit in order, with step and epoch', async () => {
    const calls: string[] = [];
    const rec: Callback = {
      onTrainBegin: () => void calls.push('trainBegin'),
      onEpochBegin: (ctx) => void calls.push(`epochBegin ${ctx.epoch}`),
      afterStep: (ctx, logs) => void calls.push(`step ${ctx.step} ${typeof logs['loss']}`),
      onEvaluateEnd: (_ctx, m) => void calls.push(`evaluate ${Object.keys(m).join(',')}`),
      onEpochEnd: (ctx) => void calls.push(`epochEnd ${ctx.epoch}`),
      onTrainEnd: () => void calls.push('trainEnd'),
    };
    const model = linearModel();
    model.compile({ optimizer: tf.train.sgd(0.01), loss: toLayersLoss(mse) });
    await model.fit(x, y, { epochs: 2, batchSize: 3, shuffle: false, verbose: 0, validationData: [x, y], callbacks: toLayersCallbacks({ model, callbacks: [rec] }) });
    expect(calls).toEqual([
      'trainBegin',
      'epochBegin 0', 'step 1 number', 'step 2 number', 'evaluate val_loss', 'epochEnd 0',
      'epochBegin 1', 'step 3 number', 'step 4 number', 'evaluate val_loss', 'epochEnd 1',
      'trainEnd',
    ]);
  });

  it('drives the learning rate from a schedule, and ctx.stop() ends model.fit', async () => {
    const seen: number[] = [];
    const model = linearModel();
    const optimizer = tf.train.sgd(1);
    model.compile({ optimizer, loss: toLayersLoss(mse) });
    const schedule = { manifest: { kind: 'schedule', name: 'halving', summary: '', params: z.strictObject({}) }, valueAt: (s: number) => 0.1 / 2 ** s };
    const stopper: Callback = {
      afterStep: (ctx) => {
        seen.push((ctx.optimizer as unknown as { learningRate: number }).learningRate);
        if (ctx.step === 3) ctx.stop();
      },
    };
    const h = await model.fit(x, y, { epochs: 10, batchSize: 2, shuffle: false, verbose: 0, callbacks: toLayersCallbacks({ model, callbacks: [stopper], schedule }) });
    expect(seen).toEqual([0.1, 0.05, 0.025]);
    expect(h.epoch).toHaveLength(1);
  });

  it('refuses callbacks whose hooks only Trainer.fit can run, naming the hook', () => {
    const model = linearModel();
    const masker: Callback = { afterBackward: (_ctx, g) => g };
    expect(() => toLayersCallbacks({ model, callbacks: [masker] })).toThrow(/afterBackward, which only Trainer\.fit can run/);
  });
});

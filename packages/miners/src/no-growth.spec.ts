// Callbacks that keep state create it once: a second fit with the same instances holds no more tensors than the first.
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { allPlugins } from './plugins.js';
import { classification, mlp, trainer } from './spec-trainer.js';

const params: Record<string, Record<string, unknown>> = {
  'gradual-magnitude-pruning': { finalSparsity: 0.5, endStep: 6, frequency: 2 },
  'lottery-ticket-rewind': { roundSteps: 3 },
  'granet-regrow': { finalDensity: 0.5, endStep: 6, frequency: 2, tMax: 6 },
  'rs2-random-subset': { numSamples: 48, ratio: 0.5 },
  dbpm: { numSamples: 48, warmupEpochs: 1 },
  'set-prune-regrow': { epsilon: 1.5 },
  'metrics-log': { path: `${process.env['TMPDIR'] ?? '/tmp'}/tessera-miners-no-growth.csv` },
  checkpoint: { dir: `${process.env['TMPDIR'] ?? '/tmp'}/tessera-miners-no-growth-ckpt` },
  'color-filter': {},
};
const skip = new Set(['color-filter', 'loss-free-balancing', 'ngame-cluster-batcher']); // need frozen models / a router output / a wrapped dataset (covered in their specs)

describe('callbacks do not accumulate tensors across steps or fits', () => {
  for (const plugin of allPlugins.filter((p) => p.manifest.kind === 'callback' && !skip.has(p.manifest.name))) {
    it(plugin.manifest.name, async () => {
      const model = mlp(3);
      const data = classification(48);
      const sampleIds = tf.range(0, 48, 1, 'int32');
      const optimizer = tf.train.momentum(0.05, 0.9);
      const cb = plugin.create(params[plugin.manifest.name] ?? {}) as object;
      const silent = cb as { write?: (l: string) => void };
      if (typeof silent.write === 'function') silent.write = () => {};
      const run = () => trainer().fit({ model, data: { ...data, fields: { sampleIds } }, validation: data, loss: 'cross-entropy', optimizer, callbacks: [cb], epochs: 2, batchSize: 16, nanPolicy: 'skip' });
      await run();
      const after1 = tf.memory().numTensors;
      await run();
      expect(tf.memory().numTensors).toBe(after1);
      tf.dispose([...model.vars, data.x, data.y, sampleIds]);
    });
  }
});

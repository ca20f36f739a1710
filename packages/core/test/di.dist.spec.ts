// The DI smoke test against the built dist/ (esbuild emits no decorator
// metadata, so this proves the explicit @inject decorators are enough).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  createContainer,
  createRegistry,
  definePlugin,
  pluginModule,
  ProgressReporterToken,
  SilentProgressReporter,
  TrainerToken,
  useBackend,
  z,
  type Loss,
} from '@tessera/core';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('@tessera/core from dist', () => {
  it('is the built bundle, not the sources', () => {
    const resolved = fileURLToPath(import.meta.resolve('@tessera/core'));
    expect(resolved).toBe(path.resolve(here, '../dist/index.js'));
  });

  it('resolves the registry and the Trainer with all its injected services, and fits', async () => {
    await useBackend('cpu', { quiet: true });
    const l1 = definePlugin({
      kind: 'loss',
      name: 'l1',
      summary: 'Mean absolute error.',
      io: { required: ['predictions', 'targets'], output: 'predictions', target: 'targets' },
      params: z.strictObject({}),
      create: (_p, manifest): Loss => ({ manifest, compute: ({ predictions, targets }) => tf.mean(tf.abs(tf.sub(predictions!, targets!))) }),
    });
    const container = createContainer(pluginModule(l1));
    container.unbind(ProgressReporterToken);
    container.bind(ProgressReporterToken).toConstantValue(new SilentProgressReporter());
    const trainer = container.get(TrainerToken);
    expect(trainer.registry.list('loss').map((m) => m.name)).toEqual(['l1']);
    const w = tf.variable(tf.zeros([2, 1]), true, 'dist_smoke_w');
    const x = tf.tensor2d([[1, 0], [0, 1], [1, 1]]);
    const y = tf.tensor2d([[1], [2], [3]]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-dist-'));
    const result = await trainer.fit({
      model: { trainableVariables: [w], forward: (input) => tf.matMul(input as tf.Tensor, w) },
      data: { x, y },
      loss: 'l1',
      optimizer: tf.train.sgd(0.1),
      epochs: 40,
      batchSize: 3,
      checkpoint: { dir },
    });
    expect(result.history.at(-1)!.loss).toBeLessThan(result.history[0]!.loss);
    expect(result.lastCheckpoint).toMatch(/ckpt-000000040\.tsr$/);
    expect(createRegistry().list()).toEqual([]);
  });
});

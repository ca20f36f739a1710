// The README's usage snippet, on a tiny embedding model.
import * as tf from '@tensorflow/tfjs-core';
import { createContainer, PluginRegistryToken, ProgressReporterToken, SilentProgressReporter, TrainerToken, type TrainableModel } from '@tessera/core';
import losses from '@tessera/losses/module';
import optimizers from '@tessera/optimizers/module';
import { describe, expect, it } from 'vitest';
import miners, { withMiners } from './index.js';

describe('README snippet', () => {
  it('mines, trains with a wrapped loss and callbacks by name', async () => {
    const container = createContainer(losses, optimizers, miners);
    container.unbind(ProgressReporterToken);
    container.bind(ProgressReporterToken).toConstantValue(new SilentProgressReporter());
    const registry = container.get(PluginRegistryToken);
    const embeddings = tf.randomNormal([8, 4], 0, 1, 'float32', 1);
    const positives = tf.add(embeddings, tf.randomNormal([8, 4], 0, 0.1, 'float32', 2));
    const mined = registry.create('miner', 'hard-negative', { numNegatives: 2, absoluteMargin: 0.1 }).mine({ embeddings, positives });
    expect(mined['negatives']!.shape).toEqual([8, 2, 4]);

    const w = tf.variable(tf.randomNormal([4, 4], 0, 0.5, 'float32', 3), true, 'readme-w');
    const model: TrainableModel = {
      trainableVariables: [w],
      forward: (x) => {
        const { a, p } = x as Record<string, tf.Tensor>;
        return { embeddings: tf.matMul(a!, w), positives: tf.matMul(p!, w) };
      },
    };
    const data = { x: { a: embeddings, p: positives } };
    const loss = withMiners(registry.create('loss', 'info-nce', { temperature: 0.05 }), registry.create('miner', 'hard-negative', { numNegatives: 2 }));
    const res = await container.get(TrainerToken).fit({
      model, data, loss, optimizer: 'adamw', epochs: 5, batchSize: 8,
      callbacks: ['ema-swap', { name: 'gradual-magnitude-pruning', params: { finalSparsity: 0.5, endStep: 4, frequency: 2 } }],
    });
    expect(res.steps).toBe(5);
    expect(Array.from(w.dataSync()).filter((v) => v === 0)).toHaveLength(8);
    tf.dispose([w, embeddings, positives]);
  });
});

/**
 * Interop with tfjs-layers across the plugin packages: Tessera optimizers
 * and losses in `model.compile` + `model.fit`, Tessera layers inside
 * `tf.sequential` saved with `model.save` and reloaded with
 * `tf.loadLayersModel`, and Tessera callbacks/schedules inside `model.fit`.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { MultiHeadAttention } from '@tessera/attention';
import { PluginRegistryToken, toLayersCallbacks, toLayersLoss, type Callback, type Loss, type Schedule } from '@tessera/core';
import { expectTensorsClose } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { workbenchContainer } from './config/load-modules.js';
import type { DatasetSource } from './zoo/types.js';

const registry = workbenchContainer().get(PluginRegistryToken);

function digits(limit = 256) {
  const data = (registry.create('dataset', 'digits', { limit }) as DatasetSource).load({ seed: 0 });
  const x = data.train.x as tf.Tensor2D;
  // tfjs-layers checks targets against the output shape [N, 10]: one-hot; toLayersLoss turns them back into class ids.
  const y = tf.cast(tf.oneHot(tf.cast(data.train.y!, 'int32'), 10), 'float32');
  return { x, y, dispose: () => (data.dispose(), y.dispose()) };
}

function mlp(norm?: tfl.layers.Layer) {
  const init = (s: number) => tfl.initializers.glorotUniform({ seed: s });
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 32, inputShape: [64], kernelInitializer: init(1) }),
      ...(norm ? [norm] : []),
      tfl.layers.activation({ activation: 'relu' }),
      tfl.layers.dense({ units: 10, kernelInitializer: init(2) }),
    ],
  });
}

describe('Tessera plugins in tfjs-layers', () => {
  it('a Tessera optimizer in model.compile matches tf.train.adam step for step (same hyperparameters)', async () => {
    const { x, y, dispose } = digits(128);
    const loss = toLayersLoss(registry.create('loss', 'cross-entropy') as Loss, { targets: 'class-ids' });
    const ours = mlp();
    ours.compile({ optimizer: registry.create('optimizer', 'adam', { learningRate: 0.01 }) as tf.Optimizer, loss });
    const theirs = mlp();
    theirs.compile({ optimizer: tf.train.adam(0.01, 0.9, 0.999, 1e-8), loss });
    const a = await ours.fit(x, y, { epochs: 3, batchSize: 32, shuffle: false, verbose: 0 });
    const b = await theirs.fit(x, y, { epochs: 3, batchSize: 32, shuffle: false, verbose: 0 });
    const la = a.history['loss'] as number[];
    const lb = b.history['loss'] as number[];
    for (let i = 0; i < 3; i++) expect(Math.abs(la[i]! - lb[i]!)).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(lb[i]!));
    expect(la[2]).toBeLessThan(la[0]!);
    dispose();
  });

  it('a Tessera norm layer, optimizer, loss, schedule and callback train together in model.fit', async () => {
    const { x, y, dispose } = digits(256);
    const model = mlp(registry.create('normalization', 'layer-norm') as tfl.layers.Layer);
    const optimizer = registry.create('optimizer', 'adamw', { learningRate: 0.01 }) as tf.Optimizer;
    model.compile({ optimizer, loss: toLayersLoss(registry.create('loss', 'cross-entropy', { labelSmoothing: 0.1 }) as Loss, { targets: 'class-ids' }) });
    const schedule = registry.create('schedule', 'cosine-decay', { initValue: 0.01, decaySteps: 40 }) as Schedule;
    const lrs: number[] = [];
    const rec: Callback = { afterStep: (ctx, logs) => void lrs.push(logs['lr']!) };
    const h = await model.fit(x, y, { epochs: 5, batchSize: 32, verbose: 0, callbacks: toLayersCallbacks({ model, callbacks: [rec], schedule }) });
    expect(lrs).toHaveLength(40);
    lrs.forEach((lr, i) => expect(lr).toBeCloseTo(schedule.valueAt(i), 12));
    const losses = h.history['loss'] as number[];
    expect(losses[4]).toBeLessThan(losses[0]! * 0.7);
    const acc = tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(model.predict(x) as tf.Tensor, 1), tf.argMax(y, 1)), 'float32')).dataSync()[0]!);
    expect(acc).toBeGreaterThan(0.6);
    dispose();
  });

  it('Tessera layers inside tf.sequential save with model.save and reload with tf.loadLayersModel, with identical outputs', async () => {
    const T = 4;
    const D = 8;
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ units: D, inputShape: [T, D], kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }) }),
        registry.create('normalization', 'rms-norm') as tfl.layers.Layer,
        new MultiHeadAttention({ numHeads: 2, keyDim: 4, attention: 'softmax', causal: true }) as unknown as tfl.layers.Layer,
        registry.create('normalization', 'layer-norm', { epsilon: 1e-5 }) as tfl.layers.Layer,
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 3, kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }) }),
      ],
    });
    // A few steps of training so that the norm gains and attention weights are not at their initial values.
    model.compile({ optimizer: registry.create('optimizer', 'adamw', { learningRate: 0.05 }) as tf.Optimizer, loss: toLayersLoss(registry.create('loss', 'mse') as Loss) });
    const x = tf.randomNormal([6, T, D], 0, 1, 'float32', 11);
    const y = tf.randomNormal([6, 3], 0, 1, 'float32', 12);
    await model.fit(x, y, { epochs: 3, batchSize: 3, verbose: 0 });

    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const topology = JSON.stringify(saved!.modelTopology);
    expect(topology).toContain('TesseraMultiHeadAttention');
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(saved!));
    expectTensorsClose(loaded.predict(x) as tf.Tensor, model.predict(x) as tf.Tensor, { rtol: 0, atol: 0 });
  });
});

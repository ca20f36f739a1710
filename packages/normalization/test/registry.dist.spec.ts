// Smoke test against the built dist/: the module registers every layer, the classes are
// registered with tf.serialization, and a model containing them saves and loads.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { layers, loadLayersModel, sequential } from '@tensorflow/tfjs-layers';
import { createRegistry, useBackend } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import normalization, { layerNorm } from '@tessera/normalization';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('@tessera/normalization from dist', () => {
  it('is the built bundle, not the sources', () => {
    expect(fileURLToPath(import.meta.resolve('@tessera/normalization'))).toBe(path.resolve(here, '../dist/index.js'));
  });

  it('registers the layers; a model with two of them round-trips through save/load', async () => {
    await useBackend('cpu', { quiet: true });
    const registry = createRegistry(normalization);
    expect(registry.list('normalization').length).toBeGreaterThanOrEqual(16);
    const model = sequential({
      layers: [layers.dense({ units: 4, inputShape: [3, 4] }), registry.create('normalization', 'rms-norm'), registry.create('normalization', 'batch-norm')],
    });
    const x = tf.randomNormal([2, 3, 4]);
    model.apply(x, { training: true });
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    const loaded = await loadLayersModel(tf.io.fromMemory(saved!));
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()));
    expect(layerNorm(tf.ones([1, 2])).shape).toEqual([1, 2]);
  });
});

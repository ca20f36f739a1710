// Smoke test against the built dist/: the module registers every variant, attention runs,
// and a model with a MultiHeadAttention and a TransformerBlock round-trips through save/load.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { loadLayersModel, sequential } from '@tensorflow/tfjs-layers';
import { createRegistry, useBackend } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import attention, { MultiHeadAttention, TransformerBlock } from '@tessera/attention';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('@tessera/attention from dist', () => {
  it('is the built bundle, not the sources', () => {
    expect(fileURLToPath(import.meta.resolve('@tessera/attention'))).toBe(path.resolve(here, '../dist/index.js'));
  });

  it('registers at least 10 variants; each applies; layers save and reload', async () => {
    await useBackend('cpu', { quiet: true });
    const registry = createRegistry(attention);
    const names = registry.list('attention').map((m) => m.name);
    expect(names.length).toBeGreaterThanOrEqual(10);
    const q = tf.randomNormal([1, 2, 4, 4]);
    for (const name of names) {
      const y = registry.create('attention', name).apply({ query: q, key: q, value: q, causal: true });
      expect(y.shape).toEqual([1, 2, 4, 4]);
      y.dispose();
    }
    const model = sequential({
      layers: [
        new MultiHeadAttention({ numHeads: 2, keyDim: 4, attention: 'sigmoid', causal: true, inputShape: [4, 8] }),
        new TransformerBlock({ numHeads: 2, attention: 'linear', norm: 'rms-norm', causal: true }),
      ],
    });
    const x = tf.randomNormal([2, 4, 8]);
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    const loaded = await loadLayersModel(tf.io.fromMemory(saved!));
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from((model.predict(x) as tf.Tensor).dataSync()));
  });
});

// The README's usage snippet, run as written (x-transformers' test_readme).
import * as tf from '@tensorflow/tfjs-core';
import { layers, sequential } from '@tensorflow/tfjs-layers';
import { createRegistry } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import normalization, { layerNorm } from './index.js';

describe('README usage', () => {
  it('runs as written', () => {
    const registry = createRegistry(normalization);
    const norm = registry.create('normalization', 'rms-norm', { epsilon: 1e-6 });
    const y = norm.apply(tf.randomNormal([2, 16, 64]), { training: true }) as tf.Tensor;
    expect(y.shape).toEqual([2, 16, 64]);

    const model = sequential({
      layers: [layers.dense({ units: 64, inputShape: [16, 32] }), registry.create('normalization', 'layer-norm'), layers.dense({ units: 1 })],
    });
    expect(model.outputs[0]!.shape).toEqual([null, 16, 1]);

    const z = layerNorm(tf.randomNormal([2, 64]), tf.ones([64]), tf.zeros([64]), 1e-5);
    expect(z.shape).toEqual([2, 64]);
    tf.dispose([y, z]);
    model.dispose();
    norm.dispose();
  });
});

import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { expectNoLeak, expectTensorsClose } from '@tessera/testing';
import { TransformerBlock } from './transformer-block.js';
import { registry } from './__fixtures__/attention-case.js';
import { defaultAttentionRegistry, dense3 } from './multi-head-attention.js';

const gelu = (x: tf.Tensor) => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3)))))));

describe('TransformerBlock', () => {
  it('is h = x + MHA(N₁(x)/√ℓ), y = h + FFN(N₂(h)/√ℓ) with layer-norm scaling (ℓ = 4)', () => {
    const block = new TransformerBlock({ numHeads: 2, ffDim: 12, layerNormScaling: true, layerIndex: 4, causal: true, norm: 'rms-norm' });
    tf.tidy(() => {
      const x = tf.randomNormal([2, 5, 8]);
      const y = block.apply(x) as tf.Tensor;
      const h = tf.add(x, block.mha!.apply(tf.div(block.norm1.apply(x) as tf.Tensor, 2)) as tf.Tensor);
      const w = Object.fromEntries(block.trainableWeights.map((v) => [v.originalName.split('/').pop()!, v.read()]));
      const ff = dense3(gelu(dense3(tf.div(block.norm2.apply(h) as tf.Tensor, 2), w.ff1_kernel!, w.ff1_bias)), w.ff2_kernel!, w.ff2_bias);
      expectTensorsClose(y, tf.add(h, ff));
    });
  });

  it('is causal: changing a later token leaves earlier outputs unchanged', () => {
    const block = new TransformerBlock({ numHeads: 2, causal: true, attention: 'linear' });
    tf.tidy(() => {
      const x = tf.randomNormal([1, 6, 8]);
      const x2 = tf.concat([tf.slice(x, [0, 0, 0], [1, 4, 8]), tf.randomNormal([1, 2, 8])], 1);
      const a = tf.slice(block.apply(x) as tf.Tensor, [0, 0, 0], [1, 4, 8]);
      const b = tf.slice(block.apply(x2) as tf.Tensor, [0, 0, 0], [1, 4, 8]);
      expectTensorsClose(a, b);
    });
  });

  it('takes norm and attention by name or instance, trains every weight, saves/reloads, and does not leak', async () => {
    const att = registry.create('attention', 'cosine');
    const byInstance = new TransformerBlock({ numHeads: 2, attention: att as never, norm: defaultAttentionRegistry().create('normalization', 'layer-norm') as tfl.layers.Layer });
    const x = tf.randomNormal([2, 4, 8]);
    tf.dispose(byInstance.apply(x) as tf.Tensor);
    // 2 norms × (γ, β) + 8 MHA projections + cosine τ + 4 FFN
    expect(byInstance.trainableWeights.length).toBe(4 + 8 + 1 + 4);
    const vars = byInstance.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads, value } = tf.variableGrads(() => tf.sum(tf.square(byInstance.apply(x) as tf.Tensor)) as tf.Scalar, vars);
    for (const v of vars) expect(tf.sum(tf.abs(grads[v.name]!)).dataSync()[0], v.name).toBeGreaterThan(0);
    tf.dispose([value, ...Object.values(grads)]);
    await expectNoLeak(() => byInstance.apply(x, { training: true }));

    const model = tfl.sequential({ layers: [new TransformerBlock({ numHeads: 2, attention: 'sigmoid', norm: 'rms-norm', dropout: 0.1, causal: true, inputShape: [4, 8] })] });
    const before = model.predict(x) as tf.Tensor;
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(saved!));
    const after = loaded.predict(x) as tf.Tensor;
    expectTensorsClose(after, before);
    tf.dispose([x, before, after]);
  });
});

describe('TransformerBlock layer-norm scaling', () => {
  it("layerNormScaling equals using @tessera/normalization's 'layer-norm-scaling' plugin as the norm", () => {
    const a = new TransformerBlock({ numHeads: 2, norm: 'layer-norm', layerNormScaling: true, layerIndex: 4, causal: true });
    const b = new TransformerBlock({ numHeads: 2, norm: 'layer-norm-scaling', normParams: { layerIndex: 4 }, causal: true });
    tf.tidy(() => {
      const x = tf.randomNormal([2, 5, 8]);
      a.apply(x);
      b.apply(x);
      expect(b.getWeights().map((w) => w.shape)).toEqual(a.getWeights().map((w) => w.shape));
      b.setWeights(a.getWeights());
      expectTensorsClose(b.apply(x) as tf.Tensor, a.apply(x) as tf.Tensor);
    });
  });
});

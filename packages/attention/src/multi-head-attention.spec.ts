import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { expectNoLeak, expectTensorsClose, fixtureTensor, fixtureValues, loadFixture, type FixtureTensor } from '@tessera/testing';
import { MultiHeadAttention } from './multi-head-attention.js';
import { AttentionRegularizerHook, attentionEntropy } from './attention-regularizer-hook.js';
import { registry } from './__fixtures__/attention-case.js';

interface MhaCase {
  numHeads: number;
  causal: boolean;
  x: FixtureTensor;
  mask: FixtureTensor;
  cotangent: FixtureTensor;
  weights: Record<string, FixtureTensor>;
  output: FixtureTensor;
  dx: FixtureTensor;
  dWeights: Record<string, FixtureTensor>;
}
const cases = loadFixture<{ cases: Record<string, MhaCase> }>(new URL('./__fixtures__/multi-head-attention.json', import.meta.url)).cases;
const ORDER = ['query_kernel', 'key_kernel', 'value_kernel', 'output_kernel', 'query_bias', 'key_bias', 'value_bias', 'output_bias'];

describe('MultiHeadAttention', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(`matches PyTorch 1.13 nn.MultiheadAttention (F.multi_head_attention_forward): ${name}, output and gradients`, () => {
      const layer = new MultiHeadAttention({ numHeads: c.numHeads, keyDim: 4, causal: c.causal });
      tf.tidy(() => {
        const x = fixtureTensor(c.x);
        const mask = fixtureTensor(c.mask);
        layer.apply(x, { mask }); // build
        layer.setWeights(ORDER.map((n) => fixtureTensor(c.weights[n]!)));
        expectTensorsClose(layer.apply(x, { mask }) as tf.Tensor, fixtureValues(c.output), { name: 'output' });
        const g = fixtureTensor(c.cotangent);
        const f = () => tf.sum(tf.mul(layer.apply(x, { mask }) as tf.Tensor, g)) as tf.Scalar;
        const { grads } = tf.variableGrads(f, layer.trainableWeights.map((w) => w.read() as tf.Variable));
        for (const w of layer.trainableWeights) {
          const short = w.originalName.split('/').pop()!;
          expectTensorsClose(grads[(w.read() as tf.Variable).name]!, fixtureValues(c.dWeights[short]!), { name: `d${short}` });
        }
        const dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(layer.apply(xx, { mask }) as tf.Tensor, g)))(x);
        expectTensorsClose(dx, fixtureValues(c.dx), { name: 'dx' });
      });
      layer.dispose();
    });
  }

  it('self-attention through the fused [D, 3E] projection equals three separate projections (output and weight gradients)', () => {
    for (const useBias of [true, false]) {
      const layer = new MultiHeadAttention({ numHeads: 2, keyDim: 3, valueDim: 4, useBias, causal: true });
      tf.tidy(() => {
        const x = tf.randomNormal([2, 5, 6], 0, 1, 'float32', 11);
        const vars = (layer.apply(x), layer.trainableWeights.map((w) => w.read() as tf.Variable));
        // The same values as three distinct tensors take the unfused path.
        const run = (fused: boolean) => tf.variableGrads(() => tf.sum(tf.square(layer.apply(fused ? x : [x, tf.clone(x), tf.clone(x)]) as tf.Tensor)) as tf.Scalar, vars);
        const a = run(true);
        const b = run(false);
        expectTensorsClose(a.value, b.value, { rtol: 1e-6, atol: 1e-6 });
        for (const v of vars) expectTensorsClose(a.grads[v.name]!, b.grads[v.name]!, { rtol: 1e-5, atol: 1e-6, name: v.name });
      });
      layer.dispose();
    }
  });

  it('works with every registered variant, trains every weight (QK-norm, cosine temperature) and does not leak', async () => {
    for (const m of registry.list('attention')) {
      const layer = new MultiHeadAttention({ numHeads: 2, keyDim: 3, attention: m.name, qkNorm: 'rms-norm', causal: true });
      const x = tf.randomNormal([2, 5, 6]);
      const y = layer.apply(x) as tf.Tensor;
      expect(y.shape).toEqual([2, 5, 6]);
      const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      // 8 projections + 2 RMSNorm gains (+ the variant's own weights)
      expect(vars.length).toBe(10 + (layer.attention.weightSpecs.length));
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(layer.apply(x) as tf.Tensor)) as tf.Scalar, vars);
      for (const v of vars) expect(Array.from(grads[v.name]!.dataSync()).every(Number.isFinite), `${m.name}: ${v.name}`).toBe(true);
      expect(tf.sum(tf.abs(grads[vars[0]!.name]!)).dataSync()[0]).toBeGreaterThan(0);
      await expectNoLeak(() => layer.apply(x, { training: true }), { name: m.name });
      tf.dispose([x, y, value, ...Object.values(grads)]);
      layer.dispose();
    }
  });

  it('saves and reloads inside a LayersModel with identical outputs (variant, params and QK-norm by name)', async () => {
    const model = tfl.sequential({
      layers: [new MultiHeadAttention({ numHeads: 2, keyDim: 4, attention: 'sigmoid', attentionParams: { bias: -2 }, qkNorm: 'layer-norm', causal: true, inputShape: [5, 8] })],
    });
    const x = tf.randomNormal([3, 5, 8]);
    const before = model.predict(x) as tf.Tensor;
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (a) => ((saved = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(saved!));
    const after = loaded.predict(x) as tf.Tensor;
    expectTensorsClose(after, before);
    const mha = loaded.layers[0] as MultiHeadAttention;
    expect(mha.attention.manifest.name).toBe('sigmoid');
    expect((mha.attention.params as { bias: number }).bias).toBe(-2);
    tf.dispose([x, before, after]);
  });

  it('hands the attention weights to a regularizer through the hook, differentiably', () => {
    const hook = new AttentionRegularizerHook(attentionEntropy);
    const layer = new MultiHeadAttention({ numHeads: 2, keyDim: 2, onWeights: hook.onWeights });
    tf.tidy(() => {
      const x = tf.randomNormal([1, 4, 4]);
      layer.apply(x);
      expect(hook.count).toBe(1);
      const h = hook.take();
      // entropy of a 4-key row lies in [0, log 4]
      expect(h.dataSync()[0]).toBeGreaterThan(0);
      expect(h.dataSync()[0]).toBeLessThanOrEqual(Math.log(4) + 1e-6);
      const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      const { grads } = tf.variableGrads(() => {
        layer.apply(x);
        return hook.take();
      }, vars);
      expect(tf.sum(tf.abs(grads[vars[0]!.name]!)).dataSync()[0]).toBeGreaterThan(0);
    });
    layer.dispose();
  });

  it('fails clearly on bad arguments', () => {
    expect(() => new MultiHeadAttention({ numHeads: 0, keyDim: 4 })).toThrow(/numHeads must be a positive integer/);
    expect(() => new MultiHeadAttention({ numHeads: 2, keyDim: 4, attention: 'softmaxx' })).toThrow(/Unknown attention "softmaxx"/);
    const layer = new MultiHeadAttention({ numHeads: 2, keyDim: 4 });
    expect(() => layer.apply(tf.zeros([2, 3]))).toThrow(/query must have rank 3/);
  });
});

describe('attention-regularizer hook with the attention-entropy regularizer of @tessera/losses', () => {
  it('hands the weights of every block call to the plugin and its term is differentiable', async () => {
    const { createRegistry } = await import('@tessera/core');
    const losses = (await import('@tessera/losses/module')).default;
    const reg = createRegistry(losses).create('regularizer', 'attention-entropy');
    const hook = new AttentionRegularizerHook(reg);
    const layer = new MultiHeadAttention({ numHeads: 2, keyDim: 2, causal: true, onWeights: hook.onWeights });
    tf.tidy(() => {
      const x = tf.randomNormal([2, 5, 4]);
      layer.apply(x);
      const vars = layer.trainableWeights.map((w) => w.read() as tf.Variable);
      hook.reset();
      const { value, grads } = tf.variableGrads(() => {
        layer.apply(x);
        layer.apply(x);
        expect(hook.count).toBe(2);
        return hook.take();
      }, vars);
      expect(Number.isFinite(value.dataSync()[0]!)).toBe(true);
      expect(tf.sum(tf.abs(grads[vars[0]!.name]!)).dataSync()[0]).toBeGreaterThan(0);
    });
    layer.dispose();
  });
});

describe('MultiHeadAttention cross-attention', () => {
  it('takes [query, value] (and key) of another length, with a key-padding mask and a valueDim/outputDim', () => {
    const layer = new MultiHeadAttention({ numHeads: 2, keyDim: 3, valueDim: 5, outputDim: 7, attention: 'linear' });
    tf.tidy(() => {
      const q = tf.randomNormal([2, 4, 6]);
      const kv = tf.randomNormal([2, 9, 8]);
      const mask = tf.reshape(tf.tensor([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], [2, 9], 'bool'), [2, 1, 1, 9]);
      const y = layer.apply([q, kv], { mask }) as tf.Tensor;
      expect(y.shape).toEqual([2, 4, 7]);
      // the masked keys of batch 1 do not matter
      const kv2 = tf.concat([tf.slice(kv, [0, 0, 0], [2, 4, 8]), tf.mul(tf.slice(kv, [0, 4, 0], [2, 5, 8]), tf.reshape(tf.tensor([1, 3]), [2, 1, 1]))], 1);
      const y2 = layer.apply([q, kv2], { mask }) as tf.Tensor;
      expectTensorsClose(tf.slice(y2, [1, 0, 0], [1, 4, 7]), tf.slice(y, [1, 0, 0], [1, 4, 7]));
    });
    layer.dispose();
  });
});

describe('MultiHeadAttention QK-norm by plugin name', () => {
  it("with the normalization package's 'qk-norm' (l2, no gain) the attention logits are cosines: q and k reach the variant unit-norm", () => {
    const seen: tf.Tensor[] = [];
    const spy = registry.create('attention', 'softmax') as import('./attention-common.js').AttentionVariant;
    const probe = { ...spy, apply: (i: import('./attention-common.js').AttentionCall) => (seen.push(tf.keep(tf.sqrt(tf.sum(tf.square(i.query), -1)))), spy.apply(i)) };
    const layer = new MultiHeadAttention({ numHeads: 2, keyDim: 4, attention: probe as never, qkNorm: 'qk-norm', qkNormParams: { norm: 'l2', elementwiseAffine: false } });
    tf.tidy(() => {
      layer.apply(tf.randomNormal([2, 3, 6]));
      expectTensorsClose(seen[0]!, tf.ones([2, 2, 3]));
    });
    tf.dispose(seen);
    layer.dispose();
  });
});

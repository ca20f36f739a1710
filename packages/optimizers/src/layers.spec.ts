import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRegistry } from '@tessera/core';
import optimizers from './module.js';
import type { TransformOptimizer } from './transform-optimizer.js';

const registry = createRegistry(optimizers);

function data() {
  const x = tf.tensor2d([[0, 1], [1, 0], [1, 1], [2, 1], [0.5, 0.5], [1.5, 0]]);
  const y = tf.tensor2d([[1], [2], [3], [5], [1.5], [3]]); // y = 2a + b
  return { x, y };
}
const model = () => tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [2], kernelInitializer: 'zeros' })] });

describe('tfjs-layers integration', () => {
  for (const [name, params] of [
    ['sgd', { learningRate: 0.05, momentum: 0.9 }],
    ['lion', { learningRate: 0.01 }],
    ['schedule-free-adamw', { learningRate: 0.05 }],
    ['sam', { learningRate: 0.05, baseParams: {} }],
    ['prodigy', {}],
  ] as const) {
    it(`${name} trains a model with model.fit`, async () => {
      const m = model();
      m.compile({ optimizer: registry.create('optimizer', name, params), loss: 'meanSquaredError' });
      const { x, y } = data();
      const h = await m.fit(x, y, { epochs: 120, verbose: 0, batchSize: 6 });
      const losses = h.history.loss as number[];
      expect(losses[losses.length - 1]!, name).toBeLessThan(losses[0]! / 5);
      m.dispose();
      tf.dispose([x, y]);
    });
  }

  it('model.save with includeOptimizer, then loadLayersModel restores the Tessera optimizer and its state', async () => {
    const m = model();
    const opt = registry.create('optimizer', 'adamw', { learningRate: 0.05, weightDecay: 0.1 }) as TransformOptimizer;
    m.compile({ optimizer: opt, loss: 'meanSquaredError' });
    const { x, y } = data();
    await m.fit(x, y, { epochs: 5, verbose: 0, batchSize: 6, shuffle: false });
    let saved: tf.io.ModelArtifacts | undefined;
    await m.save(tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }), { includeOptimizer: true });
    const names = m.trainableWeights.map((w) => (w.read() as tf.Variable).name);
    const iterations = opt.iterations;
    await m.fit(x, y, { epochs: 1, verbose: 0, batchSize: 6, shuffle: false });
    const expected = m.getWeights().map((w) => Array.from(w.dataSync()));
    m.dispose(); // as in a fresh process: the loaded variables get the same names
    const loaded = await tfl.loadLayersModel(tf.io.fromMemory(saved!));
    const lopt = loaded.optimizer as unknown as TransformOptimizer;
    expect(lopt.getClassName()).toBe('Tessera.AdamW');
    expect(lopt.hyperparameters.weightDecay).toBe(0.1);
    expect(lopt.iterations).toBe(iterations);
    const loadedNames = loaded.trainableWeights.map((w) => (w.read() as tf.Variable).name);
    if (loadedNames.join() !== names.join()) lopt.renameVariables(Object.fromEntries(names.map((n, i) => [n, loadedNames[i]!])));
    await loaded.fit(x, y, { epochs: 1, verbose: 0, batchSize: 6, shuffle: false });
    expect(loaded.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(expected);
    loaded.dispose();
    tf.dispose([x, y]);
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import type { TrainableModel } from '../contracts/model.js';
import { captureCheckpoint, restoreCheckpoint, type LoopState } from './trainer-state.js';

type NamedTensor = { name: string; tensor: tf.Tensor };

/** An optimizer whose state is named after variables, like tfjs' own and Tessera's. */
class NamedStateOptimizer extends tf.Optimizer {
  state: NamedTensor[] = [];
  static get className() {
    return 'NamedStateOptimizer';
  }
  override applyGradients(): void {}
  override async getWeights() {
    return this.state;
  }
  override async setWeights(w: NamedTensor[]) {
    this.state = w.map((x) => ({ name: x.name, tensor: tf.clone(x.tensor) }));
  }
  override getConfig() {
    return {};
  }
}

const loop: LoopState = { step: 3, epoch: 0, batchInEpoch: 3, epochRngState: [1, 2, 3, 4], rngState: [1, 2, 3, 4], history: [] };

describe('checkpoint state', () => {
  it('frees the state tensors a plugin builds in getState, and keeps its own', async () => {
    const own = tf.tensor1d([1, 2]);
    const plugin = { getState: () => ({ own, built: tf.scalar(7) }), setState: () => {} };
    const v = tf.variable(tf.ones([1]), true, `state_probe_${Date.now()}`);
    const model: TrainableModel = { trainableVariables: [v], forward: (x) => x as tf.Tensor };
    const opt = new NamedStateOptimizer();
    await captureCheckpoint(model, opt, [{ key: 'p', plugin }], loop);
    const before = tf.memory().numTensors;
    const data = await captureCheckpoint(model, opt, [{ key: 'p', plugin }], loop);
    expect(tf.memory().numTensors).toBe(before);
    expect(own.isDisposed).toBe(false);
    expect(Array.from(data.tensors['plugin/p/built']!.values)).toEqual([7]);
  });

  it('renames optimizer state to the variables of the rebuilt model, by position', async () => {
    const a = tf.variable(tf.ones([2]), true, 'dense_Dense1/kernel');
    const b = tf.variable(tf.zeros([1]), true, 'dense_Dense1/bias');
    const model: TrainableModel = { trainableVariables: [a, b], forward: (x) => x as tf.Tensor };
    const opt = new NamedStateOptimizer();
    opt.state = [
      { name: 'dense_Dense1/kernel/m', tensor: tf.tensor1d([5, 6]) },
      { name: 'dense_Dense1/bias/m', tensor: tf.tensor1d([7]) },
    ];
    const data = await captureCheckpoint(model, opt, [], loop);

    // A new process numbers its layers differently.
    const a2 = tf.variable(tf.zeros([2]), true, 'dense_Dense7/kernel');
    const b2 = tf.variable(tf.zeros([1]), true, 'dense_Dense7/bias');
    const opt2 = new NamedStateOptimizer();
    const restored = await restoreCheckpoint(data, { trainableVariables: [a2, b2], forward: (x) => x as tf.Tensor }, opt2, [], 'memory');
    expect(restored.step).toBe(3);
    expect(Array.from(a2.dataSync())).toEqual([1, 1]);
    expect(opt2.state.map((w) => w.name)).toEqual(['dense_Dense7/kernel/m', 'dense_Dense7/bias/m']);
    expect(Array.from(opt2.state[0]!.tensor.dataSync())).toEqual([5, 6]);
  });
});

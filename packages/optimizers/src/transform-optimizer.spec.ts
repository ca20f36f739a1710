import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRegistry, type Schedule } from '@tessera/core';
import { expectNoGrowth } from '@tessera/testing';
import optimizers from './module.js';
import { AdamWOptimizer, SgdOptimizer } from './optimizers/index.js';
import { TransformOptimizer } from './transform-optimizer.js';
import { chain, type TensorRecord } from './transform.js';
import { scaleByLearningRate, trace } from './transforms/index.js';

const registry = createRegistry(optimizers);
let n = 0;
const v = (x: number[], shape?: number[]) => tf.variable(tf.tensor(x, shape), true, `adapter${n++}`);

describe('TransformOptimizer', () => {
  it('applies NamedTensorMap and NamedTensor[] gradients and counts iterations', () => {
    const a = v([1, 2]);
    const opt = registry.create('optimizer', 'sgd', { learningRate: 0.5 });
    opt.applyGradients({ [a.name]: tf.tensor([1, 1]) });
    opt.applyGradients([{ name: a.name, tensor: tf.tensor([2, 0]) }]);
    expect(Array.from(a.dataSync())).toEqual([-0.5, 1.5]);
    expect(opt.iterations).toBe(2);
    expect(() => opt.applyGradients({ nope: tf.tensor([1]) })).toThrow(/not a registered tf.Variable/);
  });

  it('learningRate: number, schedule, setLearningRate and getLearningRate', () => {
    const a = v([0]);
    const sched = registry.create('schedule', 'linear', { initValue: 1, endValue: 0, transitionSteps: 4 }) as Schedule;
    const opt = registry.create('optimizer', 'sgd', { learningRate: sched }) as TransformOptimizer;
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      seen.push(opt.getLearningRate());
      opt.applyGradients({ [a.name]: tf.tensor([1]) });
    }
    expect(seen).toEqual([1, 0.75, 0.5]);
    expect(a.dataSync()[0]).toBeCloseTo(-2.25, 6);
    opt.setLearningRate(0.1);
    expect(opt.getLearningRate()).toBe(0.1);
    opt.applyGradients({ [a.name]: tf.tensor([1]) });
    expect(a.dataSync()[0]).toBeCloseTo(-2.35, 6);
    expect(() => opt.setLearningRate(-1)).toThrow(/learningRate/);
  });

  it('a variable without a gradient keeps its value and its state', () => {
    const a = v([1]);
    const b = v([1]);
    const opt = registry.create('optimizer', 'sgd', { learningRate: 1, momentum: 0.5 });
    opt.applyGradients({ [a.name]: tf.tensor([1]), [b.name]: tf.tensor([1]) });
    opt.applyGradients({ [a.name]: tf.tensor([1]) });
    opt.applyGradients({ [a.name]: tf.tensor([1]), [b.name]: tf.tensor([1]) });
    expect(a.dataSync()[0]).toBeCloseTo(1 - 1 - 1.5 - 1.75, 6);
    expect(b.dataSync()[0]).toBeCloseTo(1 - 1 - 1.5, 6); // its buffer continued from its own last step
  });

  it('parameter groups: per-group learning rate (scaled with the schedule) and weight decay', () => {
    const w = v([1, 1], [1, 2]);
    const b = v([1]);
    const opt = registry.create('optimizer', 'sgd', {
      learningRate: 0.1,
      weightDecay: 0.5,
      paramGroups: [{ params: [b.name], learningRate: 0.2, weightDecay: 0 }],
    }) as TransformOptimizer;
    opt.applyGradients({ [w.name]: tf.tensor([[0, 0]]), [b.name]: tf.tensor([1]) });
    expectClose(Array.from(w.dataSync()), [0.95, 0.95]);
    expectClose(Array.from(b.dataSync()), [0.8]);
    opt.setLearningRate(0.05); // halves both groups
    opt.applyGradients({ [w.name]: tf.tensor([[0, 0]]), [b.name]: tf.tensor([1]) });
    expectClose(Array.from(b.dataSync()), [0.7]);
    expect(() => registry.create('optimizer', 'sgd', { paramGroups: [{ params: /x/, momentm: 1 }] })).toThrow(/paramGroups\[0\]/);
  });

  it('weightDecayMask "bias-and-norm" exempts rank ≤ 1 variables', () => {
    const w = v([1, 1], [1, 2]);
    const b = v([1]);
    const opt = registry.create('optimizer', 'adamw', { learningRate: 0.1, weightDecay: 1, weightDecayMask: 'bias-and-norm' });
    opt.applyGradients({ [w.name]: tf.tensor([[0, 0]]), [b.name]: tf.tensor([0]) });
    expectClose(Array.from(w.dataSync()), [0.9, 0.9]);
    expectClose(Array.from(b.dataSync()), [1]);
  });

  it('builds from any transformation and does not grow tensors', async () => {
    const a = v([3, -2]);
    const opt = new TransformOptimizer({ learningRate: 0.1 }, (_hp, ctx) => chain(trace({ decay: 0.9 }), scaleByLearningRate(() => ctx.lr())));
    await expectNoGrowth(() => tf.tidy(() => opt.applyGradients({ [a.name]: tf.mul(a, 2) })), { name: 'adapter' });
  });

  it('getConfig / fromConfig round-trip, including a schedule learning rate', () => {
    const sched = registry.create('schedule', 'cosine-decay', { initValue: 0.1, decaySteps: 10 });
    const opt = new AdamWOptimizer({ learningRate: sched, weightDecay: 0.2, beta2: 0.99 });
    const cfg = opt.getConfig();
    expect(cfg.learningRate).toEqual({ schedule: 'cosine-decay', params: { initValue: 0.1, decaySteps: 10, alpha: 0, exponent: 1 } });
    const cls = tf.serialization.SerializationMap.getMap().classNameMap['Tessera.AdamW']!;
    const back = cls[1](cls[0], cfg) as TransformOptimizer;
    expect(back.getLearningRate()).toBeCloseTo(0.1);
    expect(back.hyperparameters.beta2).toBe(0.99);
    expect(new SgdOptimizer().getClassName()).toBe('Tessera.SGD');
  });

  it('any hyperparameter may be a schedule (injectHyperparams), and it survives getConfig', () => {
    const a = v([0]);
    const momentum = registry.create('schedule', 'linear', { initValue: 0.9, endValue: 0.5, transitionSteps: 2 });
    const opt = registry.create('optimizer', 'sgd', { learningRate: 0.1, momentum }) as TransformOptimizer;
    for (let i = 0; i < 3; i++) opt.applyGradients({ [a.name]: tf.tensor([1]) });
    // b₁ = g; b₂ = 0.7·b₁ + g; b₃ = 0.5·b₂ + g (momentum evaluated at steps 0, 1, 2)
    expect(a.dataSync()[0]).toBeCloseTo(-(0.1 + 0.17 + 0.185), 6);
    expect(opt.getConfig().momentum).toEqual({ schedule: 'linear', params: { initValue: 0.9, endValue: 0.5, transitionSteps: 2, transitionBegin: 0 } });
    const cls = tf.serialization.SerializationMap.getMap().classNameMap['Tessera.SGD']!;
    const back = cls[1](cls[0], opt.getConfig()) as TransformOptimizer;
    expect(Object.keys(back.scheduledHyperparameters)).toEqual(['momentum']);
  });

  it('works with model.compile / model.fit of tfjs-layers', async () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [2], kernelInitializer: 'zeros' })] });
    model.compile({ optimizer: registry.create('optimizer', 'adamw', { learningRate: 0.05, weightDecay: 0 }), loss: 'meanSquaredError' });
    const x = tf.tensor2d([[0, 1], [1, 0], [1, 1], [2, 1]]);
    const y = tf.tensor2d([[1], [2], [3], [5]]); // y = 2a + b
    const h = await model.fit(x, y, { epochs: 150, verbose: 0, batchSize: 4 });
    const losses = h.history.loss as number[];
    expect(losses[losses.length - 1]!).toBeLessThan(losses[0]! / 20);
    model.dispose();
    tf.dispose([x, y]);
  });
});

function expectClose(a: number[], b: number[]) {
  a.forEach((x, i) => expect(x).toBeCloseTo(b[i]!, 5));
}
export type { TensorRecord };

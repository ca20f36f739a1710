import * as tf from '@tensorflow/tfjs-core';
import { ADAM_UPDATE, useBackend, useFusedKernels } from '@tessera/core';
import { expectTensorsClose } from '@tessera/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { TransformOptimizer } from '../transform-optimizer.js';
import { chain } from '../transform.js';
import { addDecayedWeights, scaleByAdam, scaleByLearningRate } from '../transforms/index.js';
import { AdamOptimizer, AdamWOptimizer } from './index.js';

let unique = 0;

/** Deterministic values in [−1, 1). */
function values(n: number, seed: number): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s / 2 ** 32) * 2 - 1;
  });
}

/** Runs `opt` for 6 steps on a [3, 5] weight and a [5] bias; returns the variables after every step. */
function trajectory(opt: tf.Optimizer): number[][][] {
  const tag = `adamw-spec${unique++}`;
  const init = [tf.tensor2d(values(15, 1), [3, 5]), tf.tensor1d(values(5, 2))] as const;
  const w = tf.variable(init[0], true, `${tag}/w`);
  const b = tf.variable(init[1], true, `${tag}/b`);
  tf.dispose([...init]);
  const out: number[][][] = [];
  for (let k = 0; k < 6; k++) {
    const grads = { [w.name]: tf.tensor2d(values(15, 10 + k), [3, 5]), [b.name]: tf.tensor1d(values(5, 20 + k)) };
    opt.applyGradients(grads);
    tf.dispose(Object.values(grads));
    out.push([Array.from(w.dataSync()), Array.from(b.dataSync())]);
  }
  opt.dispose();
  tf.dispose([w, b]);
  return out;
}

/** optax's adamw as the unfused chain: scaleByAdam → addDecayedWeights → scaleByLearningRate. */
function unfusedAdamW(lr: number, weightDecay: number, mask: 'all' | 'bias-and-norm', amsgrad: boolean): tf.Optimizer {
  return new TransformOptimizer({ learningRate: lr }, (_hp, ctx) =>
    chain(scaleByAdam({ epsilon: 1e-8, amsgrad }), addDecayedWeights(weightDecay, mask), scaleByLearningRate(() => ctx.lr())),
  );
}

describe.each(['cpu', 'wasm'] as const)('adamw on %s: the fused step equals the chain it fuses', (backend) => {
  afterEach(() => {
    useFusedKernels(true);
  });

  for (const [mask, amsgrad] of [['all', false], ['bias-and-norm', false], ['bias-and-norm', true]] as const) {
    it(`weightDecayMask ${mask}${amsgrad ? ', amsgrad' : ''}, with and without the fused kernel`, async () => {
      await useBackend(backend, { quiet: true });
      const reference = trajectory(unfusedAdamW(0.05, 0.1, mask, amsgrad));
      for (const fusedKernels of [true, false]) {
        if (!fusedKernels) useFusedKernels(false);
        const before = tf.memory().numTensors;
        const got = trajectory(new AdamWOptimizer({ learningRate: 0.05, weightDecay: 0.1, weightDecayMask: mask, amsgrad }));
        expect(tf.memory().numTensors).toBe(before);
        got.forEach((step, k) => step.forEach((vals, j) => expectTensorsClose(vals, reference[k]![j]!, { rtol: 1e-5, atol: 1e-7 })));
      }
    });
  }

  it('runs one kernel per variable on this backend (adam and adamw)', async () => {
    await useBackend(backend, { quiet: true });
    for (const opt of [new AdamWOptimizer({ weightDecay: 0.01 }), new AdamOptimizer({})]) {
      const w = tf.variable(tf.zeros([4, 4]), true, `adamw-spec${unique++}`);
      const g = { [w.name]: tf.fill([4, 4], 0.5) };
      opt.applyGradients(g); // the first step also creates the zero moments
      const profile = await tf.profile(() => opt.applyGradients(g));
      // The fused update, then θ + u written into the variable.
      expect(profile.kernels.map((k) => k.name)).toEqual([ADAM_UPDATE, 'Add']);
      opt.dispose();
      tf.dispose([w, ...Object.values(g)]);
    }
  });
});

import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeak, expectTensorsClose } from '@tessera/testing';
import { chain, stateTensors, type GradientTransformation, type StateTree, type TensorRecord } from '../transform.js';
import {
  adaptiveGradClip, addDecayedWeights, applyIfFinite, centralize, clipByGlobalNorm, clipByValue, ema, emaParams, injectHyperparams,
  lookahead, multiSteps, partition, scale, scaleByAdam, scaleByLearningRate, scaleByRms, trace,
} from './index.js';

const t = (v: number[] | number[][], shape?: number[]) => tf.tensor(v as number[], shape);
const vals = (x: tf.Tensor) => Array.from(x.dataSync());

/** Runs `tx` over a sequence of gradient records (params fixed), returning the updates of each step. */
function run(tx: GradientTransformation<any>, steps: TensorRecord[], params?: TensorRecord): { updates: number[][][]; state: StateTree } {
  let state = tx.init(params ?? {});
  const updates: number[][][] = [];
  for (const g of steps) {
    const [u, s] = tx.update(g, state, params);
    updates.push(Object.keys(g).map((n) => vals(u[n]!)));
    state = s;
  }
  return { updates, state };
}

describe('foundation transformations', () => {
  it('scaleByAdam: closed form of the first two steps, per-variable counts', () => {
    const g1 = 0.5, g2 = -1;
    const { updates } = run(scaleByAdam({ beta1: 0.9, beta2: 0.99, epsilon: 0 }), [{ a: t([g1]) }, { a: t([g2]) }]);
    expect(updates[0]![0]![0]).toBeCloseTo(Math.sign(g1), 6); // first step ≈ sign(g)
    const m = 0.9 * 0.1 * g1 + 0.1 * g2, v = 0.99 * 0.01 * g1 * g1 + 0.01 * g2 * g2;
    const expected = m / (1 - 0.81) / Math.sqrt(v / (1 - 0.99 * 0.99));
    expect(updates[1]![0]![0]).toBeCloseTo(expected, 5);
    // a variable that joins late starts at its own step 1
    const tx = scaleByAdam();
    let s = tx.init({});
    [, s] = tx.update({ a: t([1]) }, s);
    const [u] = tx.update({ a: t([1]), b: t([-3]) }, s);
    expect(vals(u.b!)[0]).toBeCloseTo(-1, 4);
  });

  it('scaleByAdam amsgrad keeps the running maximum of v', () => {
    const { updates } = run(scaleByAdam({ beta1: 0, beta2: 0.5, epsilon: 0, amsgrad: true }), [{ a: t([2]) }, { a: t([0.1]) }]);
    // step 2: m = 0.1, v = 0.5·4·0.5 + 0.5·0.01 = 1.005, vmax = max(2, 1.005) = 2 (v₁ = 0.5·4 = 2)
    expect(updates[1]![0]![0]).toBeCloseTo(0.1 / Math.sqrt(2 / 0.75), 5);
  });

  it('trace: heavy ball, nesterov and torch dampening', () => {
    const steps = [{ a: t([1]) }, { a: t([2]) }, { a: t([3]) }];
    expect(run(trace({ decay: 0.5 }), steps).updates.map((u) => u[0]![0])).toEqual([1, 2.5, 4.25]);
    expect(run(trace({ decay: 0.5, nesterov: true }), steps).updates.map((u) => u[0]![0])).toEqual([1.5, 3.25, 5.125]);
    // dampening 0.5: b1 = g1 = 1, b2 = 0.5 + 0.5·2 = 1.5, b3 = 0.75 + 1.5 = 2.25
    expect(run(trace({ decay: 0.5, dampening: 0.5 }), steps).updates.map((u) => u[0]![0])).toEqual([1, 1.5, 2.25]);
  });

  it('addDecayedWeights adds λθ, honouring masks', () => {
    const params = { w: t([[1, 2], [3, 4]]), b: t([10, 20]) };
    const g = { w: tf.zeros([2, 2]), b: tf.zeros([2]) };
    const all = run(addDecayedWeights(0.1), [g], params).updates[0]!;
    expectTensorsClose(all[0]!, [0.1, 0.2, 0.3, 0.4]);
    expectTensorsClose(all[1]!, [1, 2]);
    const masked = run(addDecayedWeights(0.1, 'bias-and-norm'), [g], params).updates[0]!;
    expectTensorsClose(masked[1]!, [0, 0]);
    const byName = run(addDecayedWeights(0.1, ['b']), [g], params).updates[0]!;
    expectTensorsClose(byName[0]!, [0, 0, 0, 0]);
    expect(() => addDecayedWeights(0.1).update(g, {}, undefined)).toThrow(/parameters/);
  });

  it('scaleByLearningRate flips the sign and follows a schedule by its own count', () => {
    const sched = { valueAt: (k: number) => 1 / (k + 1) };
    const { updates } = run(scaleByLearningRate(sched), [{ a: t([2]) }, { a: t([2]) }, { a: t([2]) }]);
    expectTensorsClose(updates.map((u) => u[0]![0]!), [-2, -1, -2 / 3]);
    expect(run(scale(3), [{ a: t([2]) }]).updates[0]![0]![0]).toBe(6);
  });

  it('clipByGlobalNorm rescales all variables together, only above the threshold', () => {
    const g = { a: t([3]), b: t([4]) }; // global norm 5
    expectTensorsClose(run(clipByGlobalNorm(1), [g]).updates[0]!.flat(), [0.6, 0.8]);
    expectTensorsClose(run(clipByGlobalNorm(10), [g]).updates[0]!.flat(), [3, 4]);
    expect(() => clipByGlobalNorm(0)).toThrow(/maxNorm/);
  });

  it('chain composes: adamw = adam → decay → −lr', () => {
    const params = { a: t([2]) };
    const tx = chain(scaleByAdam({ epsilon: 0 }), addDecayedWeights(0.5), scaleByLearningRate(0.1));
    const { updates } = run(tx, [{ a: t([4]) }], params);
    expect(updates[0]![0]![0]).toBeCloseTo(-0.1 * (1 + 0.5 * 2), 6);
  });
});

describe('further transformations', () => {
  it('scaleByRms: optax (ε inside the root) and PyTorch forms, centered', () => {
    const g = [{ a: t([2]) }, { a: t([1]) }];
    const inside = run(scaleByRms({ decay: 0.5, epsilon: 1 }), g).updates;
    expect(inside[0]![0]![0]).toBeCloseTo(2 / Math.sqrt(2 + 1), 6);
    const outside = run(scaleByRms({ decay: 0.5, epsilon: 1, epsInSqrt: false }), g).updates;
    expect(outside[0]![0]![0]).toBeCloseTo(2 / (Math.sqrt(2) + 1), 6);
    const centered = run(scaleByRms({ decay: 0.5, epsilon: 0, epsInSqrt: false, centered: true }), g).updates;
    // step 2: ν = 0.5·2 + 0.5·1 = 1.5, μ = 0.5·1 + 0.5·1 = 1 → 1/√0.5
    expect(centered[1]![0]![0]).toBeCloseTo(1 / Math.sqrt(0.5), 5);
  });

  it('clipByValue clips elementwise', () => {
    expectTensorsClose(run(clipByValue(1), [{ a: t([-3, 0.5, 2]) }]).updates[0]![0]!, [-1, 0.5, 1]);
  });

  it('adaptiveGradClip clips each output unit to clipping·‖θ_unit‖', () => {
    const params = { w: t([[3, 0], [4, 1]]) }; // unit (column) norms 5 and 1
    const g = { w: t([[0.3, 10], [0.4, 0]]) }; // unit norms 0.5 and 10
    const u = run(adaptiveGradClip(0.2), [g], params).updates[0]![0]!;
    // column 0: 0.5 ≥ 0.2·5 = 1? no → kept; column 1: 10 > 0.2·1 → scaled to norm 0.2
    expectTensorsClose(u, [0.3, 0.2, 0.4, 0]);
  });

  it('centralize subtracts the mean over every axis but the output axis', () => {
    const u = run(centralize(), [{ w: t([[1, 10], [3, 20]]), b: t([5, 7]) }]).updates[0]!;
    expectTensorsClose(u[0]!, [-1, -5, 1, 5]);
    expectTensorsClose(u[1]!, [5, 7]);
  });

  it('applyIfFinite zeroes a non-finite step and keeps the inner state', () => {
    const tx = applyIfFinite(trace({ decay: 0.5 }));
    let s = tx.init({});
    let u: TensorRecord;
    [u, s] = tx.update({ a: t([1]) }, s);
    [u, s] = tx.update({ a: t([NaN]) }, s);
    expect(vals(u.a!)).toEqual([0]);
    expect(vals(s.notFinite as tf.Tensor)).toEqual([1]);
    [u, s] = tx.update({ a: t([2]) }, s);
    expect(vals(u.a!)).toEqual([2.5]); // 0.5·1 + 2: the NaN never entered the buffer
    expect(vals(s.notFinite as tf.Tensor)).toEqual([0]);
    expect(vals(s.total as tf.Tensor)).toEqual([1]);
  });

  it('multiSteps applies the inner transformation to the mean every k calls', () => {
    const { updates } = run(multiSteps(trace({ decay: 0.5 }), 3), [1, 2, 6, 3, 3, 3].map((x) => ({ a: t([x]) })));
    expect(updates.map((u) => u[0]![0])).toEqual([0, 0, 3, 0, 0, 4.5]);
  });

  it('injectHyperparams schedules any hyperparameter and records it', () => {
    const tx = injectHyperparams((h: { learningRate: number; decay: number }) => chain(trace({ decay: h.decay }), scaleByLearningRate(h.learningRate)), {
      learningRate: (k: number) => 0.1 * (k + 1),
      decay: 0.5,
    });
    const { updates, state } = run(tx, [{ a: t([1]) }, { a: t([1]) }]);
    expectTensorsClose(updates.map((u) => u[0]![0]!), [-0.1, -0.2 * 1.5]);
    expect((state.hyperparams as Record<string, number>).learningRate).toBeCloseTo(0.2);
  });

  it('partition routes variables to their group transformation', () => {
    const tx = partition({ fast: scale(10), slow: scale(0.1) }, (name) => (name.startsWith('f') ? 'fast' : 'slow'));
    const u = run(tx, [{ f1: t([1]), s1: t([1]) }]).updates[0]!;
    expect(u.map((x) => x[0])).toEqual([10, expect.closeTo(0.1, 6)]);
    expect(() => partition({ a: scale(1) }, { x: 'b' }).update({ x: t([1]) }, {})).toThrow(/label/);
  });

  it('lookahead pulls the fast weights to the slow ones every k steps', () => {
    const params = { a: t([0]) };
    // inner step +1 each time; with fixed params (θ = 0) the sync step gives φ + α(θ + u − φ) − θ = 0 + 0.5·1
    const u = run(lookahead(scale(1), { syncPeriod: 2, slowStepSize: 0.5 }), [{ a: t([1]) }, { a: t([1]) }], params).updates;
    expect(u.map((x) => x[0]![0])).toEqual([1, 0.5]);
  });

  it('ema averages the parameters after each update, debiased', () => {
    const params = { a: t([1]) };
    const tx = ema(scale(1), { decay: 0.5 });
    const { state } = run(tx, [{ a: t([1]) }, { a: t([3]) }], params);
    // θ after steps: 2 then 4 (params fixed at 1): θ̄ = 0.5·(0.5·2) + 0.5·4 = 2.5, debias /(1 − 0.25)
    const avg = emaParams(state);
    expect(vals(avg.a!)[0]).toBeCloseTo(2.5 / 0.75, 6);
  });

  it('state trees hold no tensor created outside the update, and updates do not leak', async () => {
    const tx = chain(clipByGlobalNorm(1), scaleByAdam(), addDecayedWeights(0.1), scaleByLearningRate(0.01));
    const params = { a: t([1, 2]) };
    let s = tx.init(params);
    await expectNoLeak(() => {
      for (let i = 0; i < 3; i++) {
        const g = t([0.5, -0.5]);
        const next = tf.tidy(() => {
          const [, s2] = tx.update({ a: g }, s, params);
          return s2;
        });
        const keep = new Set(stateTensors(next));
        stateTensors(s).forEach((x) => !keep.has(x) && x.dispose());
        s = next;
        g.dispose();
      }
    }, { allowed: stateTensors(s).length });
  });
});

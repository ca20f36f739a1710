import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import type { CheckContext } from '../run-conformance.js';

let counter = 0;
const fresh = (name: string) => `conformance_${name}_${counter++}`;

/** f(x) = ½ Σ aᵢ (xᵢ − tᵢ)², minimum 0 at x = t; condition number 10. */
const A = [1, 2, 5, 10];
const T = [1, -2, 0.5, 3];
function quadratic(x: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.mul(0.5, tf.sum(tf.mul(tf.tensor1d(A), tf.square(tf.sub(x, tf.tensor1d(T)))))) as tf.Scalar);
}

/** Rosenbrock f(x, y) = (1 − x)² + 100 (y − x²)², minimum 0 at (1, 1). */
function rosenbrock(v: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const [x, y] = tf.unstack(v) as [tf.Tensor, tf.Tensor];
    return tf.add(tf.square(tf.sub(1, x)), tf.mul(100, tf.square(tf.sub(y, tf.square(x))))) as tf.Scalar;
  });
}

type Opt = tf.Optimizer & { dispose(): void };

function minimizeSteps(opt: Opt, v: tf.Variable, f: (x: tf.Tensor) => tf.Scalar, steps: number): void {
  for (let i = 0; i < steps; i++) opt.minimize(() => f(v), false, [v]);
}

export function optimizerChecks(ctx: CheckContext): void {
  const conv = ctx.override.convergence ?? {};
  const create = (extra: Record<string, unknown> = {}) =>
    ctx.registry.create('optimizer', ctx.manifest.name, { ...(ctx.override.params ?? {}), ...extra }) as Opt;

  ctx.test('is a tf.Optimizer', () => {
    const opt = create();
    expect(opt).toBeInstanceOf(tf.Optimizer);
    opt.dispose();
  });

  ctx.test('no tensor growth across steps', () => {
    const opt = create();
    const v = tf.variable(tf.tensor1d([0.5, -0.5, 1, 2]), true, fresh('growth'));
    minimizeSteps(opt, v, quadratic, 3);
    const base = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) {
      minimizeSteps(opt, v, quadratic, 1);
      expect(tf.memory().numTensors, `after step ${i + 4}`).toBe(base);
    }
    opt.dispose();
    v.dispose();
  });

  ctx.test('state round-trips exactly through getWeights/setWeights', async () => {
    const name = fresh('roundtrip');
    const v = tf.variable(tf.tensor1d([0.5, -0.5, 1, 2]), true, name);
    const a = create();
    minimizeSteps(a, v, quadratic, 5);
    const saved = await a.getWeights();
    const savedCopy = saved.map((w) => ({ name: w.name, tensor: tf.clone(w.tensor) }));
    const x5 = tf.clone(v);
    minimizeSteps(a, v, quadratic, 3);
    const expected = Array.from(v.dataSync());
    v.assign(x5);
    const b = create();
    await b.setWeights(savedCopy);
    minimizeSteps(b, v, quadratic, 3);
    expect(Array.from(v.dataSync())).toEqual(expected);
    a.dispose();
    b.dispose();
    tf.dispose([x5, v, ...savedCopy.map((w) => w.tensor)]);
  });

  ctx.test('converges on a quadratic', () => {
    const opt = create(conv.learningRate !== undefined ? { learningRate: conv.learningRate } : {});
    const v = tf.variable(tf.zeros([4]), true, fresh('quadratic'));
    const f0 = quadratic(v);
    const start = f0.dataSync()[0]!;
    minimizeSteps(opt, v, quadratic, conv.steps ?? 500);
    (opt as { eval?: () => void }).eval?.();
    const fEnd = quadratic(v);
    const end = fEnd.dataSync()[0]!;
    expect(Number.isFinite(end)).toBe(true);
    expect(end, `f went from ${start} to ${end}`).toBeLessThan(0.01 * start);
    tf.dispose([f0, fEnd, v]);
    opt.dispose();
  }, 120_000);

  ctx.test('converges on Rosenbrock', () => {
    const lr = conv.rosenbrockLearningRate ?? conv.learningRate;
    const opt = create(lr !== undefined ? { learningRate: lr } : {});
    const v = tf.variable(tf.tensor1d([-0.5, 0.5]), true, fresh('rosenbrock'));
    const f0 = rosenbrock(v);
    const start = f0.dataSync()[0]!;
    minimizeSteps(opt, v, rosenbrock, conv.rosenbrockSteps ?? 1000);
    (opt as { eval?: () => void }).eval?.();
    const fEnd = rosenbrock(v);
    const end = fEnd.dataSync()[0]!;
    expect(Number.isFinite(end)).toBe(true);
    expect(end, `f went from ${start} to ${end}`).toBeLessThan(0.2 * start);
    tf.dispose([f0, fEnd, v]);
    opt.dispose();
  }, 120_000);
}

// Shared helpers of this package's specs (not part of the public surface).
import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose, fixtureTensor, fixtureValues, loadFixture, type FixtureTensor } from '@tessera/testing';

export interface TrajectoryCase {
  name: string;
  optimizer: string;
  params: Record<string, unknown>;
  init: Record<string, FixtureTensor>;
  grads: Record<string, FixtureTensor>[];
  expected: Record<string, FixtureTensor>[];
  closure?: unknown;
}

let unique = 0;

/** Fixture cases of `file` (in __fixtures__). */
export function fixtureCases<T>(file: string): T[] {
  return loadFixture<{ cases: T[] }>(new URL(`./__fixtures__/${file}`, import.meta.url)).cases;
}

/** Fresh uniquely named variables from fixture tensors; returns them keyed by short name, and the name map. */
export function makeVars(init: Record<string, FixtureTensor>): { vars: Record<string, tf.Variable>; full: (short: string) => string } {
  const tag = `t${unique++}`;
  const vars: Record<string, tf.Variable> = {};
  for (const [n, t] of Object.entries(init)) {
    const v = fixtureTensor(t);
    vars[n] = tf.variable(v, true, `${tag}/${n}`);
    v.dispose();
  }
  return { vars, full: (s) => `${tag}/${s}` };
}

/**
 * Runs an optimizer through a fixture trajectory with `applyGradients` and
 * compares every variable after every step (rtol 1e-4, atol 1e-5).
 */
export function checkTrajectory(c: TrajectoryCase, opt: tf.Optimizer, tol: { rtol?: number; atol?: number } = {}): void {
  const { vars, full } = makeVars(c.init);
  try {
    c.grads.forEach((step, k) => {
      const grads: tf.NamedTensorMap = {};
      for (const [n, g] of Object.entries(step)) grads[full(n)] = fixtureTensor(g);
      opt.applyGradients(grads);
      tf.dispose(Object.values(grads));
      for (const [n, v] of Object.entries(vars)) {
        expectTensorsClose(v, fixtureValues(c.expected[k]![n]!), { rtol: tol.rtol ?? 1e-4, atol: tol.atol ?? 1e-5, name: `${c.name} step ${k + 1} ${n}` });
      }
    });
  } finally {
    tf.dispose(Object.values(vars));
    opt.dispose();
  }
}

/** A quadratic ½Σ aᵢ(xᵢ − cᵢ)² and the 2-D Rosenbrock function, as scalar functions of one variable. */
export const quadratic = (x: tf.Tensor): tf.Scalar =>
  tf.tidy(() => tf.mul(0.5, tf.sum(tf.mul(tf.tensor1d([1, 2, 3, 4]), tf.square(tf.sub(x, tf.tensor1d([1, -2, 0.5, 3])))))) as tf.Scalar);
export const rosenbrock = (x: tf.Tensor): tf.Scalar =>
  tf.tidy(() => {
    const [a, b] = tf.split(x, 2);
    return tf.sum(tf.add(tf.square(tf.sub(1, a!)), tf.mul(100, tf.square(tf.sub(b!, tf.square(a!)))))) as tf.Scalar;
  });

/** Minimises `f` from `x0` for `steps` steps with `minimize`; returns the final loss. */
export function minimizeFrom(opt: tf.Optimizer, f: (x: tf.Tensor) => tf.Scalar, x0: number[], steps: number): { loss: number; x: number[] } {
  const x = tf.variable(tf.tensor1d(x0), true, `min${unique++}`);
  for (let i = 0; i < steps; i++) opt.minimize(() => f(x), false, [x]);
  const loss = tf.tidy(() => f(x).dataSync()[0]!);
  const xs = Array.from(x.dataSync());
  x.dispose();
  opt.dispose();
  return { loss, x: xs };
}

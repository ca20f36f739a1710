import * as tf from '@tensorflow/tfjs-core';
import { expectTensorsClose } from './expect-tensors-close.js';

/**
 * Central finite differences of a scalar function `f` at `x`, computed in
 * float64 on the host from float32 evaluations: `(f(x + h·eᵢ) − f(x − h·eᵢ)) / 2h`.
 * Slow (2 evaluations per element): keep `x` small.
 */
export function finiteDifferenceGradient(f: (x: tf.Tensor) => tf.Scalar | tf.Tensor, x: tf.Tensor, h = 1e-2): Float64Array {
  const base = Float32Array.from(x.dataSync() as Float32Array);
  const out = new Float64Array(base.length);
  const evalAt = (vals: Float32Array) =>
    tf.tidy(() => {
      const y = f(tf.tensor(vals, x.shape, 'float32'));
      return (y.dataSync() as Float32Array).reduce((s, v) => s + v, 0);
    });
  for (let i = 0; i < base.length; i++) {
    const plus = Float32Array.from(base);
    const minus = Float32Array.from(base);
    plus[i] = base[i]! + h;
    minus[i] = base[i]! - h;
    out[i] = (evalAt(plus) - evalAt(minus)) / (Number(plus[i]) - Number(minus[i]));
  }
  return out;
}

/**
 * Asserts that the analytic gradient of scalar `f` at `x` (through
 * `tf.grad`) matches central finite differences. Default tolerances suit
 * float32 with h = 1e-2 on smooth functions: rtol 2e-2, atol 2e-3.
 */
export function checkGradient(
  f: (x: tf.Tensor) => tf.Scalar | tf.Tensor,
  x: tf.Tensor,
  opts: { h?: number; rtol?: number; atol?: number; name?: string } = {},
): void {
  const analytic = tf.tidy(() => tf.grad((v: tf.Tensor) => tf.sum(f(v)) as tf.Scalar)(x));
  const numeric = finiteDifferenceGradient(f, x, opts.h ?? 1e-2);
  try {
    expectTensorsClose(analytic, numeric, { rtol: opts.rtol ?? 2e-2, atol: opts.atol ?? 2e-3, name: opts.name ?? 'gradient' });
  } finally {
    analytic.dispose();
  }
}

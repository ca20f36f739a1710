import * as tf from '@tensorflow/tfjs-core';
import { packSquaredNorm } from '../backend/kernels/pack-squared-norm.js';

/** Σ‖g‖² over all gradients, a scalar (stays on the device; one fused kernel on cpu and wasm). */
export function globalNormSquared(grads: tf.NamedTensorMap): tf.Scalar {
  return tf.tidy(() => tf.reshape(packSquaredNorm([], Object.values(grads)), []) as tf.Scalar);
}

/**
 * Scales all gradients by `min(1, maxNorm / ‖g‖)` (PyTorch's
 * `clip_grad_norm_`, with its 1e-6 in the denominator). Returns new tensors.
 */
export function clipByGlobalNorm(grads: tf.NamedTensorMap, maxNorm: number, normSq?: tf.Scalar): tf.NamedTensorMap {
  return tf.tidy(() => {
    const norm = tf.sqrt(normSq ?? globalNormSquared(grads));
    const factor = tf.minimum(tf.scalar(1), tf.div(tf.scalar(maxNorm), tf.add(norm, tf.scalar(1e-6))));
    return Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.mul(g, factor)]));
  });
}

/** Clamps every gradient element to [−value, value] (PyTorch's `clip_grad_value_`). */
export function clipByValue(grads: tf.NamedTensorMap, value: number): tf.NamedTensorMap {
  return tf.tidy(() => Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, tf.clipByValue(g, -value, value)])));
}

/** The name of the first gradient holding a NaN or ±Infinity (host reads; used only after a non-finite step). */
export async function firstNonFinite(grads: tf.NamedTensorMap): Promise<string | undefined> {
  for (const [name, g] of Object.entries(grads)) {
    const bad = tf.tidy(() => tf.any(tf.logicalNot(tf.isFinite(g))));
    const v = (await bad.data())[0];
    bad.dispose();
    if (v) return name;
  }
  return undefined;
}

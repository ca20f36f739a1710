import * as tf from '@tensorflow/tfjs-core';
import { safePow } from './softmax-utils.js';
import { stopGradient } from './stop-gradient.js';

/**
 * The terms of the noisy-label losses of Ma et al. (2020), as in their
 * official code (HanxunH/Active-Passive-Losses, `loss.py`), per sample `[N]`.
 * Notation: `log p = logSoftmax(z)`, one-hot rows `Y`.
 */

/** NCE: `(−log p_y) / Σ_c (−log p_c)`; the normaliser is differentiated. */
export function nceTerm(logp: tf.Tensor, onehot: tf.Tensor): tf.Tensor {
  return tf.div(tf.sum(tf.mul(onehot, logp), 1), tf.sum(logp, 1));
}

/**
 * RCE: `−Σ_c clamp(p_c, 1e-7, 1)·log clamp(Y_c, 1e-4, 1) = −log(1e-4)·Σ_{c≠y} clamp(p_c, 1e-7, 1)`
 * (A = −log 1e-4 ≈ 9.21 in the code; the paper states A = −4).
 */
export function rceTerm(logp: tf.Tensor, onehot: tf.Tensor): tf.Tensor {
  const p = tf.clipByValue(tf.exp(logp), 1e-7, 1);
  return tf.mul(tf.sum(tf.mul(p, tf.sub(1, onehot)), 1), -Math.log(1e-4));
}

/** MAE: `1 − p_y` (the paper's MAE is `2(1 − p_y)`: use `scale` 2). */
export function maeTerm(logp: tf.Tensor, onehot: tf.Tensor): tf.Tensor {
  return tf.sub(1, tf.sum(tf.mul(onehot, tf.exp(logp)), 1));
}

/**
 * NFL: `(1−p_y)^γ(−log p_y) / Σ_c (1−p_c)^γ(−log p_c)` with the weights
 * `(1−p)^γ` detached in numerator and normaliser (the code uses `.data`).
 */
export function nflTerm(logp: tf.Tensor, onehot: tf.Tensor, gamma: number): tf.Tensor {
  const w = stopGradient(safePow(tf.neg(tf.expm1(logp)), gamma));
  const wl = tf.mul(w, logp);
  return tf.div(tf.sum(tf.mul(onehot, wl), 1), tf.sum(wl, 1));
}

/** GCE: `(1 − max(p_y, 1e-7)^q)/q` (the code clamps p at 1e-7). */
export function gceTerm(logp: tf.Tensor, onehot: tf.Tensor, q: number): tf.Tensor {
  const lpy = tf.maximum(tf.sum(tf.mul(onehot, logp), 1), Math.log(1e-7));
  return tf.div(tf.sub(1, tf.exp(tf.mul(lpy, q))), q);
}

import * as tf from '@tensorflow/tfjs-core';

/** `log p` of a temperature-scaled softmax over the last axis: `logSoftmax(z / T)`. */
export function logSoftmaxT(z: tf.Tensor, temperature = 1): tf.Tensor {
  return tf.logSoftmax(temperature === 1 ? z : tf.div(z, temperature));
}

/** `Σ_c exp(a_c)·(a_c − b_c)` over the last axis: `KL(P_a ‖ P_b)` from log-probabilities. */
export function klFromLogProbs(logA: tf.Tensor, logB: tf.Tensor): tf.Tensor {
  return tf.sum(tf.mul(tf.exp(logA), tf.sub(logA, logB)), -1);
}

/** Entropy `−Σ_c p_c log p_c` over the last axis from log-probabilities. */
export function entropyFromLogProbs(logp: tf.Tensor): tf.Tensor {
  return tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), -1));
}

/** `1 − exp(l)` computed as `−expm1(l)` (accurate when `l → 0⁻`). */
export function oneMinusExp(l: tf.Tensor): tf.Tensor {
  return tf.neg(tf.expm1(l));
}

/** `x^γ` for `x ≥ 0` with a finite gradient at `x = 0` for any `γ ≥ 0` (base clamped to 1e-30). */
export function safePow(x: tf.Tensor, gamma: number): tf.Tensor {
  if (gamma === 0) return tf.onesLike(x);
  if (gamma === 1) return x;
  if (gamma === 2) return tf.square(x);
  return tf.pow(tf.maximum(x, 1e-30), gamma);
}

/** `log p_y` per row (`[N]`) from log-probabilities `[N, C]` and a one-hot (or probability) matrix. */
export function pick(logp: tf.Tensor, onehot: tf.Tensor): tf.Tensor {
  return tf.sum(tf.mul(logp, onehot), -1);
}

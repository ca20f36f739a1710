import * as tf from '@tensorflow/tfjs-core';
import { checkDim, optionalInput, requireInput, type LossInputs } from '@tessera/core';

/** The package name every manifest of this package carries. */
export const PACKAGE = '@tessera/miners';

/** The finite "minus infinity" of masked scores (never −Infinity arithmetic). */
export const MASKED = -1e9;

/** `x / max(‖x‖₂, 1e-12)` over the last axis (PyTorch `F.normalize`). */
export function l2Normalize(x: tf.Tensor): tf.Tensor {
  return tf.div(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), -1, true), 1e-24)));
}

/** Cosine similarities `[N, M]` of the rows of `a [N, D]` and `b [M, D]`. */
export function cosineMatrix(a: tf.Tensor, b: tf.Tensor): tf.Tensor2D {
  return tf.matMul(l2Normalize(a), tf.transpose(l2Normalize(b))) as tf.Tensor2D;
}

/**
 * Euclidean distances `[N, M]` between L2-normalised rows (pytorch-metric-learning's
 * default `LpDistance(p=2, power=1, normalize_embeddings=True)`): `sqrt(max(2 − 2·cos, 0))`.
 */
export function normalizedL2Matrix(a: tf.Tensor, b: tf.Tensor): tf.Tensor2D {
  return tf.sqrt(tf.maximum(tf.sub(2, tf.mul(2, cosineMatrix(a, b))), 0)) as tf.Tensor2D;
}

/**
 * Runs `fn` outside the gradient tape: the result is a constant, not
 * connected to `inputs` on the tape at all. Selection logic (comparisons,
 * `topk`, argmax) has no gradient in tfjs, and a mask or weight derived from
 * a differentiated tensor makes every later op on it (`greater`, `all`, …)
 * need a gradient too; so a miner computes its indices, masks and weights
 * here, and only the `gather` of the selected rows carries gradient.
 *
 * How: ops inside a `tf.customGrad` forward function are not recorded, and
 * the recorded node's only input is a fresh constant, so nothing downstream
 * of the result leads back to `inputs`.
 */
export function detached<T extends tf.Tensor>(inputs: tf.Tensor[], fn: (...xs: tf.Tensor[]) => T): T {
  const f = tf.customGrad(((dummy: tf.Tensor) => ({
    value: fn(...inputs),
    gradFunc: () => tf.zerosLike(dummy),
  })) as unknown as Parameters<typeof tf.customGrad>[0]);
  const anchor = tf.scalar(0);
  const out = (f as unknown as (x: tf.Tensor) => T)(anchor);
  anchor.dispose();
  return out;
}

/** `[N, K]` top-k (largest) of `scores [N, M]` where `keep`, as `{ indices, valid }`; `valid` is false for slots that fell on masked entries. */
export function maskedTopK(scores: tf.Tensor2D, keep: tf.Tensor, k: number): { indices: tf.Tensor2D; valid: tf.Tensor2D } {
  const masked = tf.where(keep, scores, tf.fill(scores.shape, MASKED)) as tf.Tensor2D;
  const { values, indices } = tf.topk(masked, k, true);
  return { indices: indices as tf.Tensor2D, valid: tf.greater(values, MASKED / 2) as tf.Tensor2D };
}

/** `[N]` int32 group ids of a batch: `labels` (class ids) or `groupIds`, or undefined. */
export function groupIds(inputs: LossInputs, label: string, n: number, field?: string): tf.Tensor1D | undefined {
  const fields = field ? [field] : ['labels', 'groupIds'];
  for (const f of fields) {
    const y = optionalInput(inputs, f, label, { rank: 1, dtype: 'int32', describe: '[N] int32 group ids' });
    if (y) {
      checkDim(y, 0, n, f, 'N', label);
      return y as tf.Tensor1D;
    }
  }
  return undefined;
}

/** `embeddings [N, D]` float32. */
export function anchorsOf(inputs: LossInputs, label: string): tf.Tensor2D {
  return requireInput(inputs, 'embeddings', label, { rank: 2, dtype: 'float32', describe: '[N, D] float32' }) as tf.Tensor2D;
}

/** `[N, N]` bool: `y_i = y_j`. */
export function sameGroup(y: tf.Tensor1D): tf.Tensor2D {
  return tf.equal(tf.expandDims(y, 1), tf.expandDims(y, 0)) as tf.Tensor2D;
}

/** `[N, N]` bool identity. */
export function eyeBool(n: number): tf.Tensor2D {
  return tf.cast(tf.eye(n), 'bool') as tf.Tensor2D;
}

/** Gathers rows `idx [N, K]` of `pool [M, D]` into `[N, K, D]`. */
export function gatherRows(pool: tf.Tensor2D, idx: tf.Tensor2D): tf.Tensor3D {
  const [n, k] = idx.shape;
  return tf.reshape(tf.gather(pool, tf.reshape(idx, [-1])), [n, k, pool.shape[1]]) as tf.Tensor3D;
}

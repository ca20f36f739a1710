import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, checkDim, optionalInput, requireInput, type LossInputs } from '@tessera/core';
import { detachedMask } from './stop-gradient.js';

/** The finite "minus infinity" used to mask logits (never −Infinity arithmetic). */
export const MASKED = -1e9;

/** `x / max(‖x‖₂, 1e-12)` over the last axis (`F.normalize`), with a finite gradient at 0. */
export function l2Normalize(x: tf.Tensor): tf.Tensor {
  return tf.div(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), -1, true), 1e-24)));
}

/** Cosine similarities `[N, M]` of rows of `a [N, D]` and `b [M, D]`. */
export function cosineMatrix(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.matMul(l2Normalize(a), tf.transpose(l2Normalize(b))) as tf.Tensor2D;
}

/** `where(keep, x, MASKED)`. */
export function maskLogits(x: tf.Tensor, keep: tf.Tensor): tf.Tensor {
  return tf.where(keep, x, tf.fill(x.shape, MASKED));
}

/** Embeddings `[N, D]` and positives `[N, D]` (same shape) and optional negatives `[N, K, D]` or `[N, D]` (K = 1). */
export function pairInputs(inputs: LossInputs, label: string, opts: { negatives?: 'optional' | 'required' | 'none' } = {}) {
  const a = requireInput(inputs, 'embeddings', label, { rank: 2, dtype: 'float32', describe: '[N, D] float32' }) as tf.Tensor2D;
  const [n, d] = a.shape;
  const p = requireInput(inputs, 'positives', label, { rank: 2, dtype: 'float32', shape: [n, d], describe: `[N, D] = [${n}, ${d}] float32` }) as tf.Tensor2D;
  let neg: tf.Tensor3D | undefined;
  const mode = opts.negatives ?? 'optional';
  if (mode !== 'none') {
    const spec = { rank: [2, 3], dtype: 'float32' as const, describe: `[N, K, D] (or [N, D]) float32 with N = ${n}, D = ${d}` };
    const raw = mode === 'required' ? requireInput(inputs, 'negatives', label, spec) : optionalInput(inputs, 'negatives', label, spec);
    if (raw) {
      checkDim(raw, 0, n, 'negatives', 'N', label);
      checkDim(raw, -1, d, 'negatives', 'D', label);
      neg = (raw.rank === 2 ? tf.expandDims(raw, 1) : raw) as tf.Tensor3D;
    }
  }
  return { a, p, neg, n, d };
}

/** Optional `labels [N]` int32 (class or group ids): samples sharing a label are not negatives of each other. */
export function groupLabels(inputs: LossInputs, label: string, n: number): tf.Tensor1D | undefined {
  const y = optionalInput(inputs, 'labels', label, { rank: 1, dtype: 'int32', describe: '[N] int32 group ids' });
  if (y) checkDim(y, 0, n, 'labels', 'N', label);
  return y as tf.Tensor1D | undefined;
}

/**
 * `[N, N]` true where candidate `p_j` may serve as a negative of row `i`: j is
 * not a duplicate of i (equal `labels`, or — without labels — positives with
 * cosine ≥ 1 − 1e-6); the diagonal (the row's own positive) is kept unless
 * `excludeSelf`. Computed off the gradient tape (boolean kernels have no gradient).
 */
export function inBatchKeep(p: tf.Tensor2D, labels?: tf.Tensor1D, excludeSelf = false): tf.Tensor {
  const n = p.shape[0];
  const build = (same: tf.Tensor) => {
    const eye = tf.cast(tf.eye(n), 'bool');
    const keep = tf.logicalOr(tf.logicalNot(same), eye);
    return excludeSelf ? tf.logicalAnd(keep, tf.logicalNot(eye)) : keep;
  };
  if (labels) return build(tf.equal(tf.expandDims(labels, 1), tf.expandDims(labels, 0)));
  return detachedMask(p, (v) => build(tf.greaterEqual(cosineMatrix(v as tf.Tensor2D, v as tf.Tensor2D), 1 - 1e-6)));
}

/** Throws unless there is at least one sample (for losses that need pairs). */
export function requireNonEmpty(n: number, label: string): void {
  if (n === 0) throw new ShapeError(`${label}: empty batch (N = 0); a contrastive loss needs at least one pair.`);
}

/** Cross-entropy of each row of `logits [N, M]` with target column `target[i]` (one-hot `[N, M]`), per row. */
export function rowCrossEntropy(logits: tf.Tensor, onehot: tf.Tensor): tf.Tensor {
  return tf.sub(tf.logSumExp(logits, 1), tf.sum(tf.mul(onehot, logits), 1));
}

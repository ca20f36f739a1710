import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, checkDim, checkSameShape, optionalInput, requireInput, z, type LossInputs } from '@tessera/core';

/** Logits `[N, C]` float32. */
export function logitsInput(inputs: LossInputs, label: string, field = 'logits'): tf.Tensor2D {
  return requireInput(inputs, field, label, { rank: 2, dtype: 'float32', describe: '[N, C] float32' }) as tf.Tensor2D;
}

/** Teacher logits `[N, C]` float32 with the shape of the student's `logits` (distillation losses). */
export function teacherLogitsInput(inputs: LossInputs, label: string, logits: tf.Tensor2D): tf.Tensor2D {
  const zt = logitsInput(inputs, label, 'teacherLogits');
  checkSameShape(zt, logits, 'teacherLogits', 'logits', label);
  return zt;
}

/** Class-id labels `[N]` int32, matching the batch of `logits`. */
export function classLabels(inputs: LossInputs, label: string, n: number, field = 'labels'): tf.Tensor1D {
  const y = requireInput(inputs, field, label, { rank: 1, dtype: 'int32', describe: '[N] int32 class ids' });
  checkDim(y, 0, n, field, 'N (the batch size of the output)', label);
  return y as tf.Tensor1D;
}

/**
 * Labels that are either class ids `[N]` int32 or probabilities `[N, C]`
 * float32. Returns which it is.
 */
export function labelsOrProbs(
  inputs: LossInputs,
  label: string,
  logits: tf.Tensor2D,
  field = 'labels',
): { kind: 'ids'; labels: tf.Tensor1D } | { kind: 'probs'; labels: tf.Tensor2D } {
  const y = requireInput(inputs, field, label, { rank: [1, 2], describe: '[N] int32 class ids or [N, C] float32 probabilities' });
  if (y.rank === 1) {
    if (y.dtype !== 'int32') throw new ShapeError(`${label}: ${field} [N] must be int32 class ids; got ${y.dtype} [${y.shape.join(', ')}].`);
    checkDim(y, 0, logits.shape[0], field, 'N (the batch size of the output)', label);
    return { kind: 'ids', labels: y as tf.Tensor1D };
  }
  if (y.dtype !== 'float32') throw new ShapeError(`${label}: ${field} [N, C] must be float32 probabilities; got ${y.dtype} [${y.shape.join(', ')}].`);
  checkSameShape(y, logits, field, 'logits', label);
  return { kind: 'probs', labels: y as tf.Tensor2D };
}

/** Optional per-sample weights `[N]` float32. */
export function sampleWeights(inputs: LossInputs, label: string, n: number): tf.Tensor1D | undefined {
  const w = optionalInput(inputs, 'weights', label, { rank: 1, dtype: 'float32', describe: '[N] float32' });
  if (w) checkDim(w, 0, n, 'weights', 'N (the batch size)', label);
  return w as tf.Tensor1D | undefined;
}

/** A float32 tensor with the same shape as `like` (e.g. targets of a regression loss). */
export function sameShapeInput(inputs: LossInputs, field: string, label: string, like: tf.Tensor, likeName: string): tf.Tensor {
  const t = requireInput(inputs, field, label, { dtype: 'float32', describe: `float32, same shape as ${likeName}` });
  checkSameShape(t, like, field, likeName, label);
  return t;
}

/** A float32 tensor of rank ≥ 1 (a batch). */
export function batchInput(inputs: LossInputs, field: string, label: string): tf.Tensor {
  return requireInput(inputs, field, label, { rank: [1, 2, 3, 4, 5, 6], dtype: 'float32', describe: '[N, ...] float32' });
}

/** Embeddings `[N, D]` float32 (or another rank-2 field). */
export function matrixInput(inputs: LossInputs, field: string, label: string, describe = '[N, D] float32'): tf.Tensor2D {
  return requireInput(inputs, field, label, { rank: 2, dtype: 'float32', describe }) as tf.Tensor2D;
}

/** Throws unless the class-weight vector has one entry per class. */
export function classWeightTensor(weights: readonly number[] | null, c: number, label: string, param = 'classWeights'): tf.Tensor1D | undefined {
  if (!weights) return undefined;
  if (weights.length !== c) {
    throw new ShapeError(`${label}: ${param} must have one weight per class (C = ${c}); got ${weights.length}.`);
  }
  return tf.tensor1d(weights as number[], 'float32');
}

/** One-hot rows `[N, C]` float32 of class ids; ids outside `[0, C)` (e.g. the ignore index) give zero rows. */
export function oneHotF(labels: tf.Tensor1D, c: number): tf.Tensor2D {
  return tf.cast(tf.oneHot(labels, c), 'float32') as tf.Tensor2D;
}

/**
 * Targets as a matrix `[N, C]`: one-hot rows of class ids (zero rows for
 * `ignoreIndex`), or the given probabilities; with `valid [N]` (1 = kept).
 */
export function classTargets(
  inputs: LossInputs,
  label: string,
  logits: tf.Tensor2D,
  ignoreIndex: number | null,
  field = 'labels',
): { target: tf.Tensor2D; valid: tf.Tensor1D; kind: 'ids' | 'probs'; ids?: tf.Tensor1D } {
  const c = logits.shape[1];
  const y = labelsOrProbs(inputs, label, logits, field);
  if (y.kind === 'probs') return { target: y.labels, valid: tf.ones([logits.shape[0]]) as tf.Tensor1D, kind: 'probs' };
  const valid = (ignoreIndex === null ? tf.ones([logits.shape[0]]) : tf.cast(tf.notEqual(y.labels, ignoreIndex), 'float32')) as tf.Tensor1D;
  const target = tf.mul(oneHotF(y.labels, c), tf.expandDims(valid, 1)) as tf.Tensor2D;
  return { target, valid, kind: 'ids', ids: y.labels };
}

/** Logits, class-id labels (with `ignoreIndex`), their one-hot rows, the kept mask and sample weights. */
export function classIdInputs(inputs: LossInputs, label: string, ignoreIndex: number) {
  const logits = logitsInput(inputs, label);
  const [n, c] = logits.shape;
  const labels = classLabels(inputs, label, n);
  const valid = tf.cast(tf.notEqual(labels, ignoreIndex), 'float32') as tf.Tensor1D;
  const onehot = tf.mul(oneHotF(labels, c), tf.expandDims(valid, 1)) as tf.Tensor2D;
  const weights = sampleWeights(inputs, label, n);
  return { logits, labels, valid, onehot, weights, n, c };
}

/** Shared zod field: the ignore index of class-id labels. */
export const zIgnoreIndex = () =>
  z.number().int().default(-100).describe('Samples whose class id equals this are ignored (zero loss, not counted in the mean).');

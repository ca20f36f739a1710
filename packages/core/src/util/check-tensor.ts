import { Tensor, type DataType } from '@tensorflow/tfjs-core';
import { ShapeError } from '../errors.js';

/** What an input must look like. `null` in `shape` matches any size. */
export interface TensorSpec {
  readonly rank?: number | readonly number[];
  readonly dtype?: DataType | readonly DataType[];
  readonly shape?: readonly (number | null)[];
  /** Human-readable shape for errors, e.g. `[N, C]`. */
  readonly describe?: string;
}

const fmt = (shape: readonly (number | null)[]) => `[${shape.map((d) => (d === null ? '?' : d)).join(', ')}]`;

/**
 * Validates one tensor argument and returns it typed; the error names the
 * plugin, the argument, what was expected and what came.
 *
 * @example checkTensor(logits, 'logits', 'loss "cross-entropy"', { rank: 2, dtype: 'float32', describe: '[N, C]' })
 */
export function checkTensor(x: unknown, arg: string, plugin: string, spec: TensorSpec = {}): Tensor {
  if (!(x instanceof Tensor)) {
    const got = x === undefined ? 'nothing' : x === null ? 'null' : Array.isArray(x) ? 'an array' : typeof x;
    throw new ShapeError(`${plugin}: ${arg} must be a tf.Tensor${spec.describe ? ` ${spec.describe}` : ''}; got ${got}.`);
  }
  if (x.isDisposed) throw new ShapeError(`${plugin}: ${arg} was already disposed.`);
  const want = spec.describe ?? (spec.shape ? fmt(spec.shape) : undefined);
  if (spec.rank !== undefined) {
    const ranks = typeof spec.rank === 'number' ? [spec.rank] : spec.rank;
    if (!ranks.includes(x.rank)) {
      throw new ShapeError(`${plugin}: ${arg} must have rank ${ranks.join(' or ')}${want ? ` ${want}` : ''}; got shape ${fmt(x.shape)}.`);
    }
  }
  if (spec.shape) {
    const ok = spec.shape.length === x.rank && spec.shape.every((d, i) => d === null || d === x.shape[i]);
    if (!ok) throw new ShapeError(`${plugin}: ${arg} must have shape ${want}; got ${fmt(x.shape)}.`);
  }
  if (spec.dtype !== undefined) {
    const dtypes = typeof spec.dtype === 'string' ? [spec.dtype] : spec.dtype;
    if (!dtypes.includes(x.dtype)) {
      throw new ShapeError(`${plugin}: ${arg} must be ${dtypes.join(' or ')}; got ${x.dtype} ${fmt(x.shape)}.`);
    }
  }
  return x;
}

/** Reads a required field of an inputs record and validates it; the error says the field is missing. */
export function requireInput(inputs: Record<string, unknown>, field: string, plugin: string, spec: TensorSpec = {}): Tensor {
  if (inputs == null || typeof inputs !== 'object') throw new ShapeError(`${plugin}: inputs must be an object with field "${field}".`);
  if (inputs[field] === undefined) {
    const given = Object.keys(inputs).filter((k) => inputs[k] !== undefined);
    throw new ShapeError(`${plugin}: missing input "${field}"${spec.describe ? ` ${spec.describe}` : ''}; got fields: ${given.length ? given.join(', ') : '(none)'}.`);
  }
  return checkTensor(inputs[field], field, plugin, spec);
}

/** Validates an optional field; undefined passes through. */
export function optionalInput(inputs: Record<string, unknown>, field: string, plugin: string, spec: TensorSpec = {}): Tensor | undefined {
  return inputs[field] === undefined ? undefined : checkTensor(inputs[field], field, plugin, spec);
}

/** Throws unless `a` and `b` have the same shape. */
export function checkSameShape(a: Tensor, b: Tensor, argA: string, argB: string, plugin: string): void {
  if (a.rank !== b.rank || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new ShapeError(`${plugin}: ${argA} ${fmt(a.shape)} and ${argB} ${fmt(b.shape)} must have the same shape.`);
  }
}

/** Throws unless dimension `axis` of `x` equals `size`. */
export function checkDim(x: Tensor, axis: number, size: number, arg: string, what: string, plugin: string): void {
  const ax = axis < 0 ? x.rank + axis : axis;
  if (x.shape[ax] !== size) {
    throw new ShapeError(`${plugin}: ${arg} must have ${what} = ${size} on axis ${ax}; got shape ${fmt(x.shape)}.`);
  }
}

import * as tf from '@tensorflow/tfjs-core';
import type { LossInputs } from '../contracts/loss.js';
import type { Batch, ModelInput } from '../contracts/model.js';
import { ShapeError } from '../errors.js';

/** A dataset the trainer can index: `size` samples, batched by index lists. */
export interface Dataset {
  readonly size: number;
  /** The batch of the given sample indices; the trainer disposes its tensors after the step. */
  batch(indices: readonly number[]): Batch;
}

export function isDataset(d: unknown): d is Dataset {
  return typeof d === 'object' && d !== null && typeof (d as Dataset).batch === 'function' && typeof (d as Dataset).size === 'number';
}

/** In-memory tensors: `x` (one tensor or named tensors), optional `y`, optional extra loss fields; all share axis 0. */
export interface TensorData {
  readonly x: ModelInput;
  readonly y?: tf.Tensor;
  readonly fields?: LossInputs;
}

/**
 * A {@link Dataset} over tensors held in memory; batches are `tf.gather`s
 * along axis 0 (a `tf.slice` when the indices are consecutive). The tensors stay owned by the caller.
 */
export function tensorDataset(data: TensorData): Dataset {
  const all: [string, tf.Tensor][] = [];
  if (data.x instanceof tf.Tensor) all.push(['x', data.x]);
  else for (const [k, v] of Object.entries(data.x)) all.push([`x.${k}`, v]);
  if (data.y) all.push(['y', data.y]);
  for (const [k, v] of Object.entries(data.fields ?? {})) if (v) all.push([`fields.${k}`, v]);
  if (all.length === 0) throw new ShapeError('tensorDataset: x is required.');
  const size = all[0]![1].shape[0] ?? 0;
  for (const [k, v] of all) {
    if (v.shape[0] !== size) throw new ShapeError(`tensorDataset: ${k} has ${v.shape[0]} samples on axis 0, x has ${size}.`);
  }
  const xIsTensor = data.x instanceof tf.Tensor;
  const xEntries = xIsTensor ? [] : Object.entries(data.x as Record<string, tf.Tensor>);
  const fieldEntries = Object.entries(data.fields ?? {}).filter((e): e is [string, tf.Tensor] => e[1] !== undefined);
  return {
    size,
    batch(indices) {
      // A run of consecutive rows (unshuffled data) is a slice: no index tensor, no gather.
      const n = indices.length;
      const first = indices[0] ?? 0;
      let consecutive = n > 0 && first >= 0 && first + n <= size;
      for (let i = 1; consecutive && i < n; i++) consecutive = indices[i] === first + i;
      const idx = consecutive ? undefined : tf.tensor1d(Int32Array.from(indices), 'int32');
      try {
        const take = (t: tf.Tensor) => (idx ? tf.gather(t, idx) : tf.slice(t, first, n));
        const x: ModelInput = xIsTensor ? take(data.x as tf.Tensor) : Object.fromEntries(xEntries.map(([k, v]) => [k, take(v)]));
        const fields: LossInputs = {};
        for (const [k, v] of fieldEntries) fields[k] = take(v);
        return data.y ? { x, y: take(data.y), fields, size: n } : { x, fields, size: n };
      } finally {
        idx?.dispose();
      }
    },
  };
}

/** Every tensor a batch holds, for disposal. */
export function batchTensors(b: Batch): tf.Tensor[] {
  const out: tf.Tensor[] = [];
  if (b.x instanceof tf.Tensor) out.push(b.x);
  else out.push(...Object.values(b.x));
  if (b.y) out.push(b.y);
  for (const v of Object.values(b.fields ?? {})) if (v) out.push(v);
  return out;
}

import * as tf from '@tensorflow/tfjs-core';
import type { FrozenModel } from '../contracts/frozen-model.js';
import type { LossInputs } from '../contracts/loss.js';
import type { Batch } from '../contracts/model.js';
import { TesseraError } from '../errors.js';

type Rows = Map<number, { shape: number[]; values: Float32Array }>;

/**
 * Runs frozen models on batches, outside any gradient tape, caching each
 * output row by sample id. Outputs are returned as new tensors the caller
 * owns (the cache holds host copies).
 */
export class FrozenOutputs {
  readonly #cache = new Map<string, Rows>(); // key: `${model}/${field}`

  constructor(private readonly models: readonly FrozenModel[]) {}

  get empty(): boolean {
    return this.models.length === 0;
  }

  async compute(batch: Batch): Promise<LossInputs> {
    const out: LossInputs = {};
    const ids = batch.fields?.['sampleIds'];
    const idList = ids ? Array.from(await ids.data()) : undefined;
    for (const m of this.models) {
      const useCache = m.cache !== false && idList !== undefined;
      if (!useCache) {
        Object.assign(out, this.#run(m, batch.x));
        continue;
      }
      const missing = idList!.map((id, i) => ({ id, i })).filter(({ id }) => !this.#has(m, id));
      if (missing.length > 0) {
        const idx = tf.tensor1d(missing.map((r) => r.i), 'int32');
        const sub = batch.x instanceof tf.Tensor ? tf.gather(batch.x, idx) : Object.fromEntries(Object.entries(batch.x).map(([k, v]) => [k, tf.gather(v, idx)]));
        const fields = this.#run(m, sub);
        for (const [field, t] of Object.entries(fields)) {
          const rows = this.#rows(m, field);
          const rowShape = t!.shape.slice(1);
          const size = rowShape.reduce((a, b) => a * b, 1);
          const values = (await t!.data()) as Float32Array;
          missing.forEach(({ id }, j) => rows.set(id, { shape: rowShape, values: values.slice(j * size, (j + 1) * size) }));
        }
        tf.dispose([idx, ...(sub instanceof tf.Tensor ? [sub] : Object.values(sub)), ...(Object.values(fields) as tf.Tensor[])]);
      }
      for (const [key, rows] of this.#cache) {
        if (!key.startsWith(`${m.name}/`)) continue;
        const field = key.slice(m.name.length + 1);
        const first = rows.get(idList![0]!)!;
        const size = first.values.length;
        const flat = new Float32Array(size * idList!.length);
        idList!.forEach((id, j) => flat.set(rows.get(id)!.values, j * size));
        out[field] = tf.tensor(flat, [idList!.length, ...first.shape]);
      }
    }
    return out;
  }

  #run(m: FrozenModel, x: Batch['x']): Record<string, tf.Tensor> {
    return tf.tidy(() => {
      const y = m.forward(x);
      if (y instanceof tf.Tensor) {
        if (!m.output) throw new TesseraError(`Frozen model "${m.name}" returns a tensor but names no output field.`);
        return { [m.output]: y };
      }
      return Object.fromEntries(Object.entries(y).filter((e): e is [string, tf.Tensor] => e[1] !== undefined));
    });
  }

  #has(m: FrozenModel, id: number): boolean {
    let any = false;
    for (const [key, rows] of this.#cache) {
      if (!key.startsWith(`${m.name}/`)) continue;
      any = true;
      if (!rows.has(id)) return false;
    }
    return any;
  }

  #rows(m: FrozenModel, field: string): Rows {
    const key = `${m.name}/${field}`;
    let rows = this.#cache.get(key);
    if (!rows) {
      rows = new Map();
      this.#cache.set(key, rows);
    }
    return rows;
  }
}

import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';

/** A tensor as the oracle scripts write it. */
export interface FixtureTensor {
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
  data: (number | null | string)[];
}

/**
 * Reads a JSON fixture written by `tools/oracle/*.py`.
 *
 * @example const cases = loadFixture<CeCase[]>(new URL('./__fixtures__/cross-entropy.json', import.meta.url));
 */
export function loadFixture<T = unknown>(url: URL | string): T {
  return JSON.parse(fs.readFileSync(url, 'utf8')) as T;
}

const decode = (v: number | null | string): number =>
  v === null || v === 'nan' ? Number.NaN : v === 'inf' ? Number.POSITIVE_INFINITY : v === '-inf' ? Number.NEGATIVE_INFINITY : Number(v);

/** Turns a {@link FixtureTensor} (or a plain number) into a tensor. */
export function fixtureTensor(t: FixtureTensor | number): tf.Tensor {
  if (typeof t === 'number') return tf.scalar(t);
  const values = t.data.map(decode);
  if (t.dtype === 'bool') return tf.tensor(values.map((v) => v !== 0), t.shape, 'bool');
  return tf.tensor(values, t.shape, t.dtype);
}

/** The values of a {@link FixtureTensor} as numbers (NaN/Infinity decoded). */
export function fixtureValues(t: FixtureTensor | number): number[] {
  return typeof t === 'number' ? [t] : t.data.map(decode);
}

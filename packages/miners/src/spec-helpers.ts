import * as tf from '@tensorflow/tfjs-core';
import { fixtureTensor, loadFixture, type FixtureTensor } from '@tessera/testing';
import type { LossInputs } from '@tessera/core';

/** Test-only helpers (not exported from the package). */
export interface MinerCase {
  name: string;
  params: Record<string, unknown>;
  inputs: Record<string, FixtureTensor>;
  expected: Record<string, FixtureTensor | number>;
  [k: string]: unknown;
}

export function cases(name: string): MinerCase[] {
  return loadFixture<{ cases: MinerCase[] }>(new URL(`./__fixtures__/${name}.json`, import.meta.url)).cases;
}

export function inputsOf(c: MinerCase): LossInputs {
  return Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, fixtureTensor(v)]));
}

export const ints = (t: tf.Tensor | undefined): number[] => Array.from(t!.dataSync());
export const expectedInts = (t: FixtureTensor | number | undefined): number[] => ints(fixtureTensor(t as FixtureTensor));

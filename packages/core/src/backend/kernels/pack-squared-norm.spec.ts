import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { useBackend } from '../use-backend.js';
import { useFusedKernels, wasmHeap } from './host-memory.js';
import { PACK_SQUARED_NORM, packSquaredNorm } from './pack-squared-norm.js';
import { simdSumOfSquares } from './wasm-simd.js';

describe.each(['cpu', 'wasm'] as const)('packSquaredNorm on %s', (backend) => {
  afterEach(() => {
    useFusedKernels(true);
  });

  it('packs [s₀, …, Σ x²] in one kernel call, equal to the op composition', async () => {
    await useBackend(backend, { quiet: true });
    const loss = tf.scalar(2.5);
    const w = tf.tensor1d([7]);
    const a = tf.tensor2d([[1, 2], [3, 4]]); // 30
    const b = tf.tensor1d([0.5, -0.5, 3]); // 9.5
    const before = { tensors: tf.memory().numTensors, ids: tf.backend().numDataIds() };
    const profile = await tf.profile(() => packSquaredNorm([loss, w], [a, b]));
    expect(profile.kernels.map((k) => k.name)).toEqual([PACK_SQUARED_NORM]);
    tf.dispose((profile as unknown as { result: tf.Tensor }).result);
    const fused = packSquaredNorm([loss, w], [a, b]);
    useFusedKernels(false);
    const composed = packSquaredNorm([loss, w], [a, b]);
    for (const r of [fused, composed]) {
      expect(r.shape).toEqual([3]);
      expect(Array.from(r.dataSync())).toEqual([2.5, 7, 39.5]);
    }
    tf.dispose([fused, composed]);
    expect(tf.memory().numTensors).toBe(before.tensors);
    expect(tf.backend().numDataIds()).toBe(before.ids);
    tf.dispose([loss, w, a, b]);
  });

  if (backend === 'wasm') {
    it('takes the WebAssembly SIMD loop on the backend heap', async () => {
      await useBackend(backend, { quiet: true });
      expect(typeof simdSumOfSquares(wasmHeap(tf.backend())!.memory)).toBe('function');
    });
  }

  it('sums many elements without losing small terms, and propagates NaN and ±Inf', async () => {
    await useBackend(backend, { quiet: true });
    const n = 100_001;
    const big = tf.fill([n], 0.1);
    const [s] = Array.from(packSquaredNorm([], [big]).dataSync());
    expect(s).toBeCloseTo(Math.fround(0.1) ** 2 * n, 2);
    // Small terms after a large one: a float32 running sum would stay at 1 (1e-8 < ulp(1) / 2)
    // and lose 0.01; cpu sums in float64, wasm in float32 blocks of 1,024 then float64 (relative error < 1e-6).
    const small = tf.concat([tf.ones([1]), tf.fill([1_000_003], 1e-4)]);
    const want = 1 + 1_000_003 * Math.fround(1e-4) ** 2;
    expect(Math.abs(packSquaredNorm([], [small]).dataSync()[0]! - want) / want).toBeLessThan(1e-6);
    small.dispose();
    const nan = tf.tensor1d([1, NaN, 2]);
    const inf = tf.tensor1d([1, -Infinity]);
    expect(packSquaredNorm([tf.scalar(1)], [big, nan]).dataSync()[1]).toBeNaN();
    expect(packSquaredNorm([], [inf]).dataSync()[0]).toBe(Infinity);
    expect(packSquaredNorm([tf.scalar(NaN)], []).dataSync()[0]).toBeNaN();
    expect(Array.from(packSquaredNorm([], []).dataSync())).toEqual([0]);
    tf.dispose([big, nan, inf]);
  });
});

describe('packSquaredNorm errors', () => {
  it('names the scalar that is not one', () => {
    expect(() => packSquaredNorm([tf.scalar(1), tf.zeros([2])], [])).toThrow(/packSquaredNorm: scalars\[1\] must have one element; got shape \[2\]/);
  });
});

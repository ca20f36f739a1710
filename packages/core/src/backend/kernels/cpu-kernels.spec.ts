import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../use-backend.js';
import { registerTesseraKernels, tfjsKernel } from './index.js';

function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 4 - 2;
  }
  return out;
}
const t = (shape: number[], seed: number) => tf.tensor(values(shape.reduce((a, b) => a * b, 1), seed), shape);

describe('Tessera kernels on cpu', () => {
  beforeAll(async () => {
    await useBackend('cpu', { quiet: true });
  });
  afterAll(async () => {
    await useBackend((process.env['TESSERA_BACKEND'] as 'cpu' | 'wasm' | undefined) ?? 'cpu', { quiet: true });
  });

  it('replaces the broadcasting binary kernels and UnsortedSegmentSum', () => {
    expect(registerTesseraKernels('cpu').replaced).toEqual(['UnsortedSegmentSum', 'Add', 'Sub', 'Multiply', 'RealDiv', 'BatchMatMul']);
  });

  it('broadcasts over size-1 dimensions exactly like the equal-shape computation', () => {
    const cases: [number[], number[]][] = [
      [[4, 5, 6], [4, 5, 1]], // x − mean(x, keepDims)
      [[4, 5, 6], [1, 1, 6]], // a gain
      [[2, 1, 6], [1, 5, 1]], // both sides broadcast
      [[3, 1], [3, 4]],
      [[2, 3, 4, 5], [3, 1, 5]], // missing leading and size-1 dims
      [[1], [7, 1]],
      [[0, 3], [1, 3]], // empty
    ];
    const ops = [tf.add, tf.sub, tf.mul, tf.div] as const;
    for (const [sa, sb] of cases) {
      const a = t(sa, 1);
      const b = tf.add(t(sb, 2), 3); // away from 0 for div
      const out = tf.broadcast_util.assertAndGetBroadcastShape(sa, sb);
      for (const op of ops) {
        const before = tf.memory().numTensors;
        const got = op(a, b);
        // Reference: both operands tiled to the output shape, then tfjs' equal-shape loop.
        const expected = tf.tidy(() => op(tf.broadcastTo(a, out), tf.broadcastTo(b, out)));
        expect(got.shape).toEqual(out);
        expect(Array.from(got.dataSync())).toEqual(Array.from(expected.dataSync()));
        tf.dispose([got, expected]);
        expect(tf.memory().numTensors).toBe(before);
      }
      tf.dispose([a, b]);
    }
  });

  it('keeps int32 and NaN/∞ semantics (delegated or identical)', () => {
    const i = tf.mul(tf.tensor2d([[1, 2, 3]], [1, 3], 'int32'), tf.tensor2d([[2], [3]], [2, 1], 'int32'));
    expect(i.dtype).toBe('int32');
    expect(Array.from(i.dataSync())).toEqual([2, 4, 6, 3, 6, 9]);
    const f = tf.div(tf.tensor2d([[1, -1, 0, NaN]], [1, 4]), tf.tensor2d([[0], [Infinity]], [2, 1]));
    expect(Array.from(f.dataSync())).toEqual([Infinity, -Infinity, NaN, NaN, 0, -0, 0, NaN]);
    tf.dispose([i, f]);
  });

  it('multiplies bit-identically to tfjs-cpu\'s own BatchMatMul for every layout', () => {
    const own = tfjsKernel('BatchMatMul', 'cpu');
    expect(own).toBeDefined();
    const backend = tf.backend();
    const cases: [number[], number[], boolean, boolean][] = [
      [[50, 70], [70, 60], false, false], // more than one 48-block on every axis
      [[50, 70], [60, 70], false, true],
      [[70, 50], [70, 60], true, false],
      [[70, 50], [60, 70], true, true],
      [[3, 20, 100], [3, 100, 9], false, false],
      [[3, 100, 20], [1, 9, 100], true, true], // shared right operand
      [[1, 20, 30], [4, 30, 5], false, false], // shared left operand
      [[2, 2, 5, 7], [2, 2, 7, 3], false, false],
      [[4, 0], [0, 3], false, false], // K = 0: zeros
    ];
    for (const [sa, sb, ta, tb] of cases) {
      const a = t(sa, 5);
      const b = t(sb, 6);
      const before = tf.memory().numTensors;
      const got = tf.matMul(a, b, ta, tb);
      const ref = own!.kernelFunc({ inputs: { a, b }, backend, attrs: { transposeA: ta, transposeB: tb } }) as tf.TensorInfo;
      expect(got.shape).toEqual(ref.shape);
      expect(Array.from(got.dataSync())).toEqual(Array.from(backend.readSync(ref.dataId) as Float32Array));
      backend.disposeData(ref.dataId);
      got.dispose();
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([a, b]);
    }
    // NaN and ∞ propagate as in tfjs (no zero skipping).
    const n = tf.matMul(tf.tensor2d([[0, 1]]), tf.tensor2d([[NaN], [2]]));
    expect(Number.isNaN(n.dataSync()[0])).toBe(true);
    n.dispose();
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../use-backend.js';
import { registerTesseraKernels } from './index.js';

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
    expect(registerTesseraKernels('cpu').replaced).toEqual(['UnsortedSegmentSum', 'Add', 'Sub', 'Multiply', 'RealDiv']);
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
});

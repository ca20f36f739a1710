import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { useBackend } from '../use-backend.js';
import { missingKernels, registerTesseraKernels, tfjsKernel, wasmBatchMatMulStats, wasmSumStats } from './index.js';

/** Deterministic pseudo-random values (no RNG state shared with other tests). */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

interface Result {
  shape: number[];
  data: Float32Array | Int32Array;
}

/** Runs `f` on a backend, returns every output's values, leaves no tensor and no backend buffer behind. */
async function runOn(backend: 'cpu' | 'wasm', f: () => tf.Tensor | tf.Tensor[]): Promise<Result[]> {
  await useBackend(backend, { quiet: true });
  const cpu = tf.engine().findBackend('cpu');
  const before = { tensors: tf.memory().numTensors, ids: tf.backend().numDataIds(), cpuIds: cpu.numDataIds() };
  const outs = tf.tidy(f);
  const list = Array.isArray(outs) ? outs : [outs];
  const res = list.map((t) => ({ shape: t.shape, data: t.dataSync() as Float32Array | Int32Array }));
  tf.dispose(list);
  expect(tf.memory().numTensors).toBe(before.tensors);
  expect(tf.backend().numDataIds()).toBe(before.ids);
  expect(cpu.numDataIds()).toBe(before.cpuIds);
  return res;
}

/** Same outputs on wasm (with Tessera's kernels) as on cpu, within `tol` (abs + rel). */
async function expectSameOnBothBackends(f: () => tf.Tensor | tf.Tensor[], tol = 1e-5): Promise<void> {
  const ref = await runOn('cpu', f);
  const got = await runOn('wasm', f);
  expect(got.length).toBe(ref.length);
  got.forEach((g, k) => {
    const r = ref[k] as Result;
    expect(g.shape).toEqual(r.shape);
    let worst = 0;
    for (let i = 0; i < r.data.length; i++) {
      const e = r.data[i] as number;
      const a = g.data[i] as number;
      if (Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e))) continue;
      const d = Math.abs(a - e) - tol * Math.abs(e);
      worst = Math.max(worst, d);
    }
    expect(worst, `output ${k}: worst |wasm − cpu| − tol·|cpu|`).toBeLessThanOrEqual(tol);
  });
}

const t = (shape: number[], seed: number) => tf.tensor(values(shape.reduce((a, b) => a * b, 1), seed), shape);

describe('Tessera kernels on wasm', () => {
  beforeAll(async () => {
    await useBackend('wasm', { quiet: true });
  });
  afterAll(async () => {
    await useBackend((process.env['TESSERA_BACKEND'] as 'cpu' | 'wasm' | undefined) ?? 'cpu', { quiet: true });
  });

  it('fills in every kernel wasm lacks that training needs', () => {
    for (const k of ['UnsortedSegmentSum', 'Conv2DBackpropFilter', 'DepthwiseConv2dNativeBackpropFilter', 'DepthwiseConv2dNativeBackpropInput', 'Einsum']) {
      expect(tf.getKernel(k, 'wasm'), k).toBeDefined();
    }
    expect(missingKernels('wasm')).toEqual([]);
    const report = registerTesseraKernels('wasm');
    expect(report.fallbacks).toContain('UnsortedSegmentSum');
    expect(report.replaced).toEqual(['BatchMatMul', 'Slice', 'SplitV', 'GatherV2', 'Sum', 'Tile', 'Pow', 'Tanh', 'Identity']);
    // Idempotent: a second call registers nothing twice (registerKernel would warn).
    expect(registerTesseraKernels('wasm')).toBe(report);
  });

  it('trains an embedding: gather and its gradient (UnsortedSegmentSum)', async () => {
    await expectSameOnBothBackends(() => {
      const table = t([10, 4], 1);
      const ids = tf.tensor1d([3, 1, 3, 9, 0, 3], 'int32');
      const g = tf.grad((w: tf.Tensor) => tf.sum(tf.mul(tf.gather(w, ids), t([6, 4], 2))))(table);
      return [tf.gather(table, ids), g];
    });
    await expectSameOnBothBackends(() => tf.unsortedSegmentSum(t([5, 3], 3), tf.tensor1d([2, 0, 2, 1, 0], 'int32'), 4));
    await expectSameOnBothBackends(() => tf.unsortedSegmentSum(t([6, 3, 4], 3), tf.tensor1d([1, -1, 1, 0, 7, 1], 'int32'), 3));
    await expectSameOnBothBackends(() => tf.unsortedSegmentSum(tf.tensor2d([[1, 2], [3, 4], [5, 6]], [3, 2], 'int32'), tf.tensor1d([1, 1, 0], 'int32'), 2));
  });

  it('sums segments exactly like tfjs-cpu\'s own UnsortedSegmentSum', async () => {
    await useBackend('cpu', { quiet: true });
    const ours = tf.getKernel('UnsortedSegmentSum', 'cpu');
    expect(ours).toBeDefined();
    // tfjs-cpu's kernel, run through its public composition: one masked sum per segment.
    const x = t([50, 7], 21);
    const ids = tf.tensor1d(Array.from({ length: 50 }, (_, i) => (i * 7) % 11), 'int32');
    const got = tf.unsortedSegmentSum(x, ids, 11);
    const expected = tf.tidy(() =>
      tf.stack(Array.from({ length: 11 }, (_, s) => tf.sum(tf.mul(tf.reshape(tf.cast(tf.equal(ids, s), 'float32'), [50, 1]), x), 0))),
    );
    expect(Array.from(got.dataSync())).toEqual(Array.from(expected.dataSync()));
    tf.dispose([x, ids, got, expected]);
  });

  it('trains a conv2d filter (Conv2DBackpropFilter)', async () => {
    await expectSameOnBothBackends(() => {
      const x = t([2, 7, 7, 3], 4) as tf.Tensor4D;
      const w = t([3, 3, 3, 5], 5) as tf.Tensor4D;
      const loss = (xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.square(tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, [2, 1], 'same')));
      const [gx, gw] = tf.grads(loss)([x, w]);
      return [gx as tf.Tensor, gw as tf.Tensor];
    });
  });

  it('trains a depthwise conv (DepthwiseConv2dNativeBackpropFilter/Input)', async () => {
    await expectSameOnBothBackends(() => {
      const x = t([2, 6, 6, 3], 6) as tf.Tensor4D;
      const w = t([3, 3, 3, 2], 7) as tf.Tensor4D;
      const loss = (xx: tf.Tensor, ww: tf.Tensor) => tf.sum(tf.square(tf.depthwiseConv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, 1, 'valid')));
      const [gx, gw] = tf.grads(loss)([x, w]);
      return [gx as tf.Tensor, gw as tf.Tensor];
    });
  });

  it('runs einsum (Einsum; tfjs registers no gradient for it on any backend)', async () => {
    await expectSameOnBothBackends(() => [
      tf.einsum('bij,bjk->bik', t([2, 3, 4], 8), t([2, 4, 5], 9)),
      tf.einsum('ij->ji', t([3, 4], 10)),
      tf.einsum('i,i->', t([6], 11), t([6], 12)),
    ]);
  });

  it('multiplies like tfjs for every transpose and batch layout', async () => {
    const cases: [number[], number[], boolean, boolean][] = [
      [[33, 17], [17, 9], false, false],
      [[33, 17], [9, 17], false, true],
      [[17, 33], [17, 9], true, false],
      [[17, 33], [9, 17], true, true],
      [[4, 20, 16], [4, 16, 24], false, false], // ≥ 16³ multiply-adds per slice: XNNPACK per slice
      [[4, 20, 16], [4, 24, 16], false, true],
      [[4, 16, 20], [4, 16, 24], true, false],
      [[4, 16, 20], [4, 24, 16], true, true],
      [[4, 12, 8], [1, 8, 10], false, false], // shared right operand: one 2-D product
      [[4, 12, 8], [8, 10], false, false],
      [[4, 8, 12], [10, 8], true, true],
      [[1, 20, 16], [4, 16, 24], false, false], // shared left operand: slices reuse it
      [[2, 3, 24, 16], [2, 3, 20, 16], false, true], // 4-D attention scores
      [[2, 3, 0, 8], [2, 3, 8, 5], false, false], // empty
      [[64, 4, 4], [64, 4, 4], true, false], // tiny slices: tfjs' own loop
    ];
    const before = { ...wasmBatchMatMulStats };
    for (const [sa, sb, ta, tb] of cases) {
      await expectSameOnBothBackends(() => tf.matMul(t(sa, 11), t(sb, 12), ta, tb));
    }
    expect(wasmBatchMatMulStats.transposed).toBeGreaterThan(before.transposed);
    expect(wasmBatchMatMulStats.flattened).toBeGreaterThan(before.flattened);
    expect(wasmBatchMatMulStats.sliced).toBeGreaterThan(before.sliced);
  });

  it('gives the same matMul gradients (which use the transposed forms)', async () => {
    await expectSameOnBothBackends(() => {
      const [ga, gb] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D, false, true))))([
        t([3, 16, 8], 13),
        t([3, 16, 8], 14),
      ]);
      return [ga as tf.Tensor, gb as tf.Tensor];
    }, 1e-4);
  });

  it('tiles like tfjs for every dtype and axis pattern', async () => {
    await expectSameOnBothBackends(() => tf.tile(t([1, 1, 5, 6], 30), [3, 4, 1, 1]));
    await expectSameOnBothBackends(() => tf.tile(t([2, 3, 4], 31), [2, 1, 3]));
    await expectSameOnBothBackends(() => tf.tile(tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32'), [3, 2]));
    await expectSameOnBothBackends(() => tf.cast(tf.tile(tf.tensor2d([[1, 0, 1]], [1, 3], 'bool'), [4, 2]), 'int32'));
    // where() broadcasts a causal mask through Tile.
    await expectSameOnBothBackends(() => {
      const mask = tf.reshape(tf.cast(tf.linalg.bandPart(tf.ones([6, 6]), -1, 0), 'bool'), [1, 1, 6, 6]);
      return tf.where(mask, t([2, 3, 6, 6], 32), tf.fill([2, 3, 6, 6], -1e9));
    });
  });

  it('slices like tfjs for every rank, layout and dtype, copying only the slice', async () => {
    await expectSameOnBothBackends(() => tf.slice(t([50, 8], 40), [7, 0], [5, 8])); // consecutive rows
    await expectSameOnBothBackends(() => tf.slice(t([6, 7], 41), [1, 2], [3, 4])); // strided 2-d
    await expectSameOnBothBackends(() => tf.slice(t([3, 4, 5, 6], 42), [1, 0, 2, 1], [2, 4, 2, 5]));
    await expectSameOnBothBackends(() => tf.slice(t([2, 3, 4, 5, 6], 43), [0, 1, 1, 0, 2], [2, 2, 3, 5, 1])); // rank 5, runs of 1
    await expectSameOnBothBackends(() => tf.slice(t([9], 44), 2, 4));
    await expectSameOnBothBackends(() => tf.slice(tf.tensor2d([[1, 2, 3], [4, 5, 6]], [2, 3], 'int32'), [0, 1], [2, 2]));
    await expectSameOnBothBackends(() => tf.cast(tf.slice(tf.tensor2d([[1, 0, 1], [0, 1, 1]], [2, 3], 'bool'), [1, 0], [1, 3]), 'int32'));
    await expectSameOnBothBackends(() => tf.slice(t([4, 4], 45), [1, 1], [0, 2])); // empty
    await expectSameOnBothBackends(() => tf.split(t([2, 6, 4], 46), 3, 1)); // attention's head split
    await expectSameOnBothBackends(() => tf.split(t([4, 5, 12], 48), [2, 7, 3], -1)); // q/k/v split (SplitV), uneven sizes
    await expectSameOnBothBackends(() => tf.split(t([6, 3], 49), [1, -1, 2], 0)); // −1: the rest
    await expectSameOnBothBackends(() => tf.split(tf.tensor2d([[1, 2, 3, 4]], [1, 4], 'int32'), 2, 1));
    await expectSameOnBothBackends(() => tf.grad((x: tf.Tensor) => { const [a, b] = tf.split(x, [3, 5], 1); return tf.add(tf.sum(tf.mul(a!, 2)), tf.sum(tf.square(b!))); })(t([4, 8], 50)));
    await useBackend('wasm', { quiet: true });
    // No copy of the whole input (tfjs' kernel reads it all out of the heap first).
    const big = t([200, 16], 47);
    const readSync = vi.spyOn(tf.backend(), 'readSync');
    tf.dispose([tf.slice(big, [10, 0], [4, 16]), tf.slice(big, [0, 3], [200, 2]), ...tf.split(big, [5, 11], 1)]);
    expect(readSync).not.toHaveBeenCalled();
    readSync.mockRestore();
    big.dispose();
    expect(tf.slice(tf.tensor1d(['a', 'b', 'c']), 1, 2).arraySync()).toEqual(['b', 'c']); // strings: tfjs' own kernel
  });

  it('sums leading axes like tfjs\' own wasm Sum (within float32 rounding), and delegates the other reductions', async () => {
    await useBackend('wasm', { quiet: true });
    const own = tfjsKernel('Sum', 'wasm')!;
    const theirs = (x: tf.Tensor, axis: number | number[], keepDims: boolean) => {
      const info = own.kernelFunc({ inputs: { x }, backend: tf.backend(), attrs: { axis, keepDims } }) as tf.TensorInfo;
      return tf.engine().makeTensorFromTensorInfo(info);
    };
    const withSpecials = (shape: number[], seed: number) => {
      const v = values(shape.reduce((a, b) => a * b, 1), seed).map((e) => e * 1e3);
      v[3] = -0;
      v[shape[shape.length - 1]! + 3] = -0; // a column of −0 and −0 (tfjs: 0 + −0 + −0 = +0)
      v[5] = NaN;
      v[7] = Infinity;
      return tf.tensor(v, shape);
    };
    const cases: [number[], number | number[], boolean, 'columns' | 'delegated'][] = [
      [[1024, 256], 0, false, 'columns'], // a bias gradient
      [[16, 64, 256], [0, 1], false, 'columns'],
      [[16, 64, 256], [1, 0], true, 'columns'],
      [[7, 5], -2, false, 'columns'], // C mod 4 ≠ 0
      [[3, 4, 5], [0], true, 'columns'],
      [[9, 2, 3], 0, false, 'columns'],
      [[5, 3], [0, 1], false, 'delegated'], // every axis: no transpose in tfjs' kernel
      [[4, 6], 1, false, 'delegated'], // trailing axes: likewise
      [[3, 4, 5], [0, 2], false, 'delegated'],
    ];
    for (const [i, [shape, axis, keepDims, path]] of cases.entries()) {
      const before = { ...wasmSumStats };
      tf.tidy(() => {
        const x = withSpecials(shape, 60 + i);
        const got = tf.sum(x, axis, keepDims);
        expect(wasmSumStats[path], `${JSON.stringify(shape)} axis ${JSON.stringify(axis)}`).toBe(before[path] + 1);
        const want = theirs(x, axis, keepDims);
        expect(got.shape).toEqual(want.shape);
        const [g, w] = [got.dataSync(), want.dataSync()];
        if (path === 'delegated') {
          expect(Array.from(g)).toEqual(Array.from(w));
          return;
        }
        // Against the exact (float64) column sums: each within n·2⁻²⁴·Σ|x| (n terms added in float32), as tfjs' own.
        const xs = x.dataSync();
        const cols = g.length;
        const rows = xs.length / cols;
        for (let c = 0; c < cols; c++) {
          let exact = 0;
          let abs = 0;
          for (let r = 0; r < rows; r++) {
            exact += xs[r * cols + c]!;
            abs += Math.abs(xs[r * cols + c]!);
          }
          if (!Number.isFinite(exact)) {
            expect(g[c], `column ${c}`).toBe(w[c]); // NaN and ±Inf propagate as in tfjs
            continue;
          }
          const bound = rows * 2 ** -24 * abs;
          expect(Math.abs(g[c]! - exact), `column ${c}`).toBeLessThanOrEqual(bound);
          expect(Math.abs(w[c]! - exact), `tfjs, column ${c}`).toBeLessThanOrEqual(bound);
          if (exact === 0 && abs === 0) expect(Object.is(g[c], w[c]), `signed zero, column ${c}`).toBe(true);
        }
      });
    }
    // int32 goes to tfjs' kernel.
    expect(tf.sum(tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32'), 0).arraySync()).toEqual([4, 6]);
    // A broadcast bias add's gradient (the case this kernel is for), against cpu.
    await expectSameOnBothBackends(() => tf.grad((b: tf.Tensor) => tf.sum(tf.mul(tf.add(t([32, 12], 70), b), t([32, 12], 71))))(t([12], 72)));
  });

  it('gathers like tfjs for every axis, batchDims and dtype, and rejects an index out of range', async () => {
    const ids = (shape: number[], n: number, seed: number) => tf.tensor(values(shape.reduce((a, b) => a * b, 1), seed).map((v) => Math.floor(((v + 1) / 2) * n)), shape, 'int32');
    await expectSameOnBothBackends(() => tf.gather(t([55, 64], 50), ids([16, 64], 55, 51))); // an embedding
    await expectSameOnBothBackends(() => tf.gather(t([4, 7, 3], 52), ids([5], 7, 53), 1));
    await expectSameOnBothBackends(() => tf.gather(t([4, 7, 3], 54), ids([2, 2], 3, 55), 2)); // slices of one element
    await expectSameOnBothBackends(() => tf.gather(t([3, 6, 20], 56), ids([3, 4], 6, 57), 1, 1)); // batchDims 1
    await expectSameOnBothBackends(() => tf.gather(tf.tensor2d([[1, 2], [3, 4], [5, 6]], [3, 2], 'int32'), tf.tensor1d([2, 0, 2], 'int32')));
    await expectSameOnBothBackends(() => tf.cast(tf.gather(tf.tensor1d([1, 0, 1], 'bool'), tf.tensor1d([1, 2], 'int32')), 'int32'));
    // The gradient of gather (UnsortedSegmentSum) through the new kernel.
    await expectSameOnBothBackends(() => tf.grad((e: tf.Tensor) => tf.sum(tf.square(tf.gather(e, ids([8, 3], 10, 58)))))(t([10, 4], 59)));
    await useBackend('wasm', { quiet: true });
    const before = tf.memory().numTensors;
    expect(() => tf.gather(tf.zeros([3, 2]), tf.tensor1d([0, 3], 'int32'))).toThrow(/GatherV2: the index value 3 is not in \[0, 2\]/);
    expect(tf.memory().numTensors).toBe(before + 2);
  });

  it('selects like tfjs for every dtype, broadcast mask and non-finite values, with its gradient', async () => {
    const cond = (shape: number[], seed: number) => tf.greater(t(shape, seed), 0);
    await expectSameOnBothBackends(() => tf.where(cond([16, 4, 8, 8], 60), t([16, 4, 8, 8], 61), t([16, 4, 8, 8], 62)));
    await expectSameOnBothBackends(() => tf.where(cond([1, 1, 8, 8], 63), t([2, 3, 8, 8], 64), tf.fill([2, 3, 8, 8], -1e30))); // broadcast mask
    await expectSameOnBothBackends(() => tf.where(cond([5, 3], 65), tf.cast(t([5, 3], 66), 'int32'), tf.zeros([5, 3], 'int32')));
    await expectSameOnBothBackends(() => tf.where(cond([2, 5], 70), tf.tensor2d([[NaN, 1, 2, Infinity, 4], [5, -Infinity, 7, 8, 9]]), tf.zeros([2, 5])));
    await expectSameOnBothBackends(() => tf.grad((x: tf.Tensor) => tf.sum(tf.where(cond([4, 6], 71), tf.square(x), tf.zerosLike(x))))(t([4, 6], 72)));
  });

  it('raises to small integer powers like tfjs, and delegates the rest', async () => {
    for (const n of [2, 3, 4, 2.5, -1, 0]) {
      await expectSameOnBothBackends(() => tf.pow(tf.mul(t([7, 9], 33), 3), tf.scalar(n)), 2e-6);
    }
    await expectSameOnBothBackends(() => tf.pow(t([4, 5], 34), tf.fill([4, 5], 3)));
    await expectSameOnBothBackends(() => tf.pow(tf.tensor1d([1, -2, 3], 'int32'), tf.scalar(3, 'int32')));
    // The gradient of GELU's tanh approximation: pow(x, 3), tanh and their derivatives.
    await expectSameOnBothBackends(() =>
      tf.grad((x: tf.Tensor) => tf.sum(tf.mul(x, tf.tanh(tf.add(x, tf.mul(0.044715, tf.pow(x, 3)))))))(tf.mul(t([8, 16], 35), 4)),
    );
  });

  it('computes tanh within 2e-7 of tfjs over the whole range', async () => {
    await expectSameOnBothBackends(() => tf.tanh(tf.tensor1d([0, 1e-8, -1e-4, 0.3, -0.9, 2, -5, 9.5, 20, -40, 88, -100, 1e4])), 2e-7);
    await expectSameOnBothBackends(() => tf.tanh(tf.mul(t([64, 64], 36), 6)), 2e-7);
  });

  it('clones by sharing the buffer, and the clone outlives the original', async () => {
    await useBackend('wasm', { quiet: true });
    const ids = tf.backend().numDataIds();
    const x = t([3, 4], 40);
    const expected = Array.from(x.dataSync());
    const y = tf.clone(x);
    expect(tf.backend().numDataIds()).toBe(ids + 1);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual(expected);
    const v = tf.variable(y);
    const zeros = tf.zerosLike(v);
    v.assign(zeros);
    expect(Array.from(y.dataSync())).toEqual(expected);
    tf.dispose([y, v, zeros]);
    expect(tf.backend().numDataIds()).toBe(ids);
  });

  it('leaves no wasm memory behind over many calls', async () => {
    await useBackend('wasm', { quiet: true });
    const a = t([8, 32, 16], 15);
    const b = t([8, 16, 32], 16);
    const run = () =>
      tf.tidy(() => {
        const p = tf.add(tf.matMul(a, b), tf.transpose(tf.matMul(b, a, true, true), [0, 2, 1]));
        return tf.sum(tf.add(tf.tanh(tf.pow(p, 3)), tf.tile(tf.slice(p, [0, 0, 0], [1, 32, 32]), [8, 1, 1])));
      });
    tf.dispose(run());
    const ids = tf.backend().numDataIds();
    const tensors = tf.memory().numTensors;
    const heap = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;
    for (let i = 0; i < 200; i++) tf.dispose(run());
    expect(tf.backend().numDataIds()).toBe(ids);
    expect(tf.memory().numTensors).toBe(tensors);
    expect((tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length).toBe(heap);
    tf.dispose([a, b]);
  });
});

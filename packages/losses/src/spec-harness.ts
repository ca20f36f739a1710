/**
 * Test helpers shared by the specs of this package (not exported by the
 * package): fixture-driven comparisons against PyTorch and the edge cases
 * every loss must handle.
 */
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core alone registers no gradient kernels (the union package does): tests need them.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { ShapeError, type Loss, type LossInputs, type Plugin, type Reduction } from '@tessera/core';
import { checkGradient, expectNoGrowth, expectNoLeak, expectTensorsClose, fixtureTensor, fixtureValues, loadFixture, type FixtureTensor } from '@tessera/testing';
import { describe, expect, it } from 'vitest';

export interface FixtureCase {
  name: string;
  params: Record<string, unknown>;
  reduction: Reduction;
  inputs: Record<string, FixtureTensor>;
  expected: FixtureTensor;
  grads: Record<string, FixtureTensor>;
}

export function loadCases(file: string): FixtureCase[] {
  return loadFixture<{ cases: FixtureCase[] }>(new URL(`./__fixtures__/${file}.json`, import.meta.url)).cases;
}

export function toInputs(raw: Record<string, FixtureTensor>): LossInputs {
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, fixtureTensor(v)]));
}

/** Value and gradient of `sum(loss)` w.r.t. `wrt`, as `[value, grads]` (caller disposes). */
export function valueAndGrads(loss: Loss, inputs: LossInputs, wrt: string[], reduction: Reduction): [tf.Tensor, tf.Tensor[]] {
  const value = loss.compute(inputs, { reduction });
  if (wrt.length === 0) return [value, []];
  const f = (...xs: tf.Tensor[]) => {
    const ins: LossInputs = { ...inputs };
    wrt.forEach((k, i) => (ins[k] = xs[i]));
    return tf.sum(loss.compute(ins, { reduction })) as tf.Scalar;
  };
  const grads = tf.grads(f)(wrt.map((k) => inputs[k]!));
  return [value, grads];
}

/** One `it` per fixture case: value and gradients within rtol/atol, no leaked tensor. */
export function fixtureSuite(plugin: Plugin<any, Loss>, file: string, opts: { rtol?: number; atol?: number; only?: (c: FixtureCase) => boolean } = {}): void {
  const cases = loadCases(file).filter(opts.only ?? (() => true));
  describe(`matches the reference fixtures (${file}.json)`, () => {
    it('has cases', () => expect(cases.length).toBeGreaterThan(0));
    for (const c of cases) {
      it(c.name, async () => {
        const inputs = toInputs(c.inputs);
        const loss = plugin.create(c.params);
        const wrt = Object.keys(c.grads);
        await expectNoLeak(() => {
          const [value, grads] = valueAndGrads(loss, inputs, wrt, c.reduction);
          expect(value.shape, 'value shape').toEqual(c.expected.shape);
          expectTensorsClose(value, fixtureValues(c.expected), { name: `${c.name} value`, rtol: opts.rtol, atol: opts.atol });
          wrt.forEach((k, i) => {
            expect(grads[i]!.shape, `d/d${k} shape`).toEqual(c.grads[k]!.shape);
            expectTensorsClose(grads[i]!, fixtureValues(c.grads[k]!), { name: `${c.name} d/d${k}`, rtol: opts.rtol, atol: opts.atol });
          });
          tf.dispose([value, ...grads]);
        });
        tf.dispose(Object.values(inputs) as tf.Tensor[]);
      });
    }
  });
}

/** A small deterministic generator for test inputs. */
export function rng(seed = 1): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return ((s >>> 0) / 4294967296) * 2 - 1;
  };
}
export function randn(shape: number[], seed = 1, scale = 1): tf.Tensor {
  const r = rng(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Array.from({ length: size }, () => r() * scale), shape, 'float32');
}
export function randInt(n: number, max: number, seed = 1): tf.Tensor1D {
  const r = rng(seed);
  return tf.tensor1d(Array.from({ length: n }, () => Math.min(max - 1, Math.floor(((r() + 1) / 2) * max))), 'int32');
}

export interface StandardOptions {
  /** Valid inputs for a batch of `n` (n may be 0 when `empty` is not 'skip'). */
  make: (n: number) => LossInputs;
  /** The differentiable output field (logits, predictions, embeddings). */
  output: string;
  params?: Record<string, unknown>;
  /** What an empty batch gives: 0 for mean/sum and `[0]` for none ('zero'), a clear error ('throws'). */
  empty?: 'zero' | 'throws';
  /** `mean(none) = mean` and `sum(none) = sum` for these inputs (true); only the mean ('mean', elementwise losses); neither (false). */
  consistent?: boolean | 'mean';
  /** Inputs where every sample is ignored: the mean must be 0 with a zero gradient. */
  allIgnored?: () => LossInputs;
  /** Batch size for the generic checks (default 4). */
  n?: number;
  /** Finite-difference check tolerance (default rtol 2e-2, atol 2e-3), or false to skip it. */
  fd?: { rtol?: number; atol?: number; h?: number; n?: number } | false;
  /** Extreme scale of the output (default 1e4). */
  extreme?: number;
  /** Reductions the loss supports (default all three). */
  reductions?: Reduction[];
}

const finite = (t: tf.Tensor) => Array.from(t.dataSync()).every(Number.isFinite);

/** The edge cases every loss must handle (see the package README). */
export function standardChecks(plugin: Plugin<any, Loss>, o: StandardOptions): void {
  const name = plugin.manifest.name;
  const io = plugin.manifest.io!;
  const n = o.n ?? 4;
  const reductions = o.reductions ?? (['mean', 'sum', 'none'] as Reduction[]);
  const create = () => plugin.create(o.params ?? {});
  describe('standard checks', () => {
    it('reductions: scalar for mean/sum, [N] for none, consistent', async () => {
      const loss = create();
      const inputs = o.make(n);
      loss.compute(inputs).dispose(); // lazily created state, if any
      await expectNoLeak(() => {
        const values = Object.fromEntries(reductions.map((r) => [r, loss.compute(inputs, { reduction: r })]));
        if (values.mean) expect(values.mean.shape).toEqual([]);
        if (values.sum) expect(values.sum.shape).toEqual([]);
        if (values.none) expect(values.none.shape).toEqual([n]);
        for (const v of Object.values(values)) expect(finite(v)).toBe(true);
        if (o.consistent !== false && values.none) {
          const none = Array.from(values.none.dataSync());
          const total = none.reduce((a, b) => a + b, 0);
          if (values.mean) expectTensorsClose(values.mean, n ? total / n : 0, { name: 'mean = mean(none)' });
          if (values.sum && o.consistent !== 'mean') expectTensorsClose(values.sum, total, { name: 'sum = sum(none)' });
        }
        return Object.values(values);
      });
      expect(loss.compute(inputs).shape).toEqual(reductions.includes('mean') ? [] : [n]);
      tf.dispose(Object.values(inputs) as tf.Tensor[]);
    });

    it(`extreme ${o.output} (±${o.extreme ?? 1e4}): finite loss and gradient`, async () => {
      const loss = create();
      const inputs = o.make(n);
      const x = inputs[o.output]!;
      const big = tf.tidy(() => tf.mul(tf.div(x, tf.max(tf.abs(x))), o.extreme ?? 1e4));
      const ins = { ...inputs, [o.output]: big };
      loss.compute(ins).dispose(); // lazily created state, if any
      await expectNoLeak(() => {
        for (const r of reductions) {
          const [v, [g]] = valueAndGrads(loss, ins, [o.output], r);
          expect(finite(v), `${r} value finite`).toBe(true);
          expect(finite(g!), `${r} gradient finite`).toBe(true);
          tf.dispose([v, g!]);
        }
      });
      tf.dispose([big, ...(Object.values(inputs) as tf.Tensor[])]);
    });

    it('no tensor leaked by compute or its gradient', async () => {
      const loss = create();
      const inputs = o.make(n);
      loss.compute(inputs).dispose(); // lazily created state, if any
      await expectNoLeak(() => {
        for (const r of reductions) {
          const [v, g] = valueAndGrads(loss, inputs, [o.output], r);
          tf.dispose([v, ...g]);
        }
      });
      tf.dispose(Object.values(inputs) as tf.Tensor[]);
    });

    it('missing inputs, wrong shapes and wrong dtypes fail naming the argument', () => {
      const loss = create();
      const inputs = o.make(n);
      for (const field of io.required) {
        const ins = { ...inputs };
        delete ins[field];
        expect(() => loss.compute(ins), `missing ${field}`).toThrow(new RegExp(`${field}`));
      }
      const x = inputs[o.output]!;
      const scalar = tf.scalar(1);
      expect(() => loss.compute({ ...inputs, [o.output]: scalar }), 'scalar output').toThrow(ShapeError);
      expect(() => loss.compute({ ...inputs, [o.output]: scalar })).toThrow(new RegExp(o.output));
      const asInt = tf.cast(x, 'int32');
      expect(() => loss.compute({ ...inputs, [o.output]: asInt }), 'int32 output').toThrow(new RegExp(`${o.output}.*(float32|int32)`));
      expect(() => loss.compute({ ...inputs, [o.output]: [1, 2, 3] as unknown as tf.Tensor })).toThrow(new RegExp(o.output));
      if (io.target && inputs[io.target] && io.target !== o.output) {
        const t = inputs[io.target]!;
        const short = tf.slice(t, 0, Math.max(0, t.shape[0]! - 1));
        expect(() => loss.compute({ ...inputs, [io.target!]: short }), `short ${io.target}`).toThrow(ShapeError);
        tf.dispose(short);
      }
      expect(() => loss.compute(inputs, { reduction: 'avg' as Reduction })).toThrow(/reduction/);
      tf.dispose([scalar, asInt, ...(Object.values(inputs) as tf.Tensor[])]);
    });

    if (o.empty !== undefined) {
      it(o.empty === 'zero' ? 'empty batch: 0 for mean/sum, [0] for none' : 'empty batch: clear error', async () => {
        const loss = create();
        const inputs = o.make(0);
        if (o.empty === 'throws') {
          expect(() => loss.compute(inputs)).toThrow(/empty|N = 0|at least/);
        } else {
          loss.compute(inputs).dispose(); // lazily created state, if any
          await expectNoLeak(() => {
            for (const r of reductions) {
              const v = loss.compute(inputs, { reduction: r });
              if (r === 'none') expect(v.shape).toEqual([0]);
              else expect(v.dataSync()[0]).toBe(0);
              v.dispose();
            }
          });
        }
        tf.dispose(Object.values(inputs) as tf.Tensor[]);
      });
    }

    if (o.allIgnored) {
      it('all labels ignored: mean 0, gradient 0, no NaN', () => {
        const loss = create();
        const inputs = o.allIgnored!();
        for (const r of reductions) {
          const [v, [g]] = valueAndGrads(loss, inputs, [o.output], r);
          expect(finite(v)).toBe(true);
          if (r !== 'none') expect(v.dataSync()[0]).toBe(0);
          expect(Array.from(g!.dataSync()).every((e) => e === 0)).toBe(true);
          tf.dispose([v, g!]);
        }
        tf.dispose(Object.values(inputs) as tf.Tensor[]);
      });
    }

    if (o.fd !== false) {
      const fd = o.fd ?? {};
      it('gradient matches finite differences', () => {
        const loss = create();
        const inputs = o.make(fd.n ?? 3);
        const f = (x: tf.Tensor) => loss.compute({ ...inputs, [o.output]: x }, { reduction: reductions.includes('mean') ? 'mean' : reductions[0]! });
        checkGradient(f, inputs[o.output]!, { rtol: fd.rtol ?? 2e-2, atol: fd.atol ?? 2e-3, h: fd.h ?? 1e-2, name: `${name} gradient` });
        tf.dispose(Object.values(inputs) as tf.Tensor[]);
      });
    }
  });
}

export interface StatefulCase {
  name: string;
  params: Record<string, unknown>;
  reduction: Reduction;
  steps: { inputs: Record<string, FixtureTensor>; expected: FixtureTensor; grads: Record<string, FixtureTensor> }[];
}

/** Value and gradients from a single `compute` call (stateful losses update their state on every call). */
export function valueAndGradsOnce(loss: Loss, inputs: LossInputs, wrt: string[], reduction: Reduction): [tf.Tensor, tf.Tensor[]] {
  let value: tf.Tensor | undefined;
  const f = (...xs: tf.Tensor[]) => {
    const ins: LossInputs = { ...inputs };
    wrt.forEach((k, i) => (ins[k] = xs[i]));
    const v = loss.compute(ins, { reduction });
    value = tf.keep(tf.clone(v));
    return tf.sum(v) as tf.Scalar;
  };
  const grads = tf.grads(f)(wrt.map((k) => inputs[k]!));
  return [value!, grads];
}

/** One `it` per stateful case: a sequence of steps on one instance, value and gradients per step. */
export function statefulFixtureSuite(plugin: Plugin<any, Loss>, file: string): void {
  const cases = loadFixture<{ cases: StatefulCase[] }>(new URL(`./__fixtures__/${file}.json`, import.meta.url)).cases;
  describe(`matches the reference fixtures step by step (${file}.json)`, () => {
    for (const c of cases) {
      it(c.name, () => {
        const loss = plugin.create(c.params) as Loss & { dispose?: () => void };
        c.steps.forEach((step, k) => {
          const inputs = toInputs(step.inputs);
          const wrt = Object.keys(step.grads);
          const [value, grads] = valueAndGradsOnce(loss, inputs, wrt, c.reduction);
          expectTensorsClose(value, fixtureValues(step.expected), { name: `${c.name} step ${k} value` });
          wrt.forEach((f, i) => expectTensorsClose(grads[i]!, fixtureValues(step.grads[f]!), { name: `${c.name} step ${k} d/d${f}` }));
          tf.dispose([value, ...grads, ...(Object.values(inputs) as tf.Tensor[])]);
        });
        loss.dispose?.();
      });
    }
  });
}

/** State round trip: a copy restored with setState continues exactly like the original; growth-free steps. */
export function statefulChecks(plugin: Plugin<any, Loss>, o: { params?: Record<string, unknown>; make: (step: number) => LossInputs; output: string }): void {
  type S = Loss & { getState(): Record<string, tf.Tensor>; setState(s: Record<string, tf.Tensor>): void; dispose(): void; stateKey?: string };
  describe('state', () => {
    it('is Stateful: getState/setState round trip continues identically', () => {
      const a = plugin.create(o.params ?? {}) as S;
      const b = plugin.create(o.params ?? {}) as S;
      expect(typeof a.getState).toBe('function');
      expect(a.stateKey).toMatch(/^loss:/);
      for (let k = 0; k < 2; k++) {
        const ins = o.make(k);
        a.compute(ins).dispose();
        tf.dispose(Object.values(ins) as tf.Tensor[]);
      }
      const saved = Object.fromEntries(Object.entries(a.getState()).map(([k, v]) => [k, tf.clone(v)]));
      b.setState(saved);
      tf.dispose(Object.values(saved));
      const ins = o.make(2);
      const va = a.compute(ins, { reduction: 'none' });
      const vb = b.compute(ins, { reduction: 'none' });
      expectTensorsClose(vb, va, { rtol: 0, atol: 0, name: 'restored copy' });
      for (const [k, v] of Object.entries(a.getState())) expectTensorsClose(b.getState()[k]!, v, { rtol: 0, atol: 0, name: `state ${k}` });
      tf.dispose([va, vb, ...(Object.values(ins) as tf.Tensor[])]);
      a.dispose();
      b.dispose();
    });
    it('keeps a constant tensor count across steps (replaced state is disposed)', async () => {
      const a = plugin.create(o.params ?? {}) as S;
      let k = 0;
      await expectNoGrowth(() => {
        const ins = o.make(k++);
        const [v, g] = valueAndGradsOnce(a, ins, [o.output], 'mean');
        tf.dispose([v, ...g, ...(Object.values(ins) as tf.Tensor[])]);
      });
      a.dispose();
    });
  });
}

import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it } from 'vitest';
import { useBackend } from '../use-backend.js';
import { ADAM_UPDATE, adamUpdate, type AdamUpdateArgs } from './adam-update.js';
import { useFusedKernels, wasmHeap, webAssembly } from './host-memory.js';
import { simdAdam } from './wasm-simd.js';

/** Deterministic values in [lo, hi). */
function values(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = lo + (s / 2 ** 32) * (hi - lo);
  }
  return out;
}

/** The formula of adamUpdate's TSDoc, element by element in float64 (independent of both implementations). */
function reference(g: Float32Array, m: Float32Array, v: Float32Array, vMax: Float32Array | undefined, p: Float32Array | undefined, a: Omit<AdamUpdateArgs, 'grad' | 'm' | 'v' | 'vMax' | 'param'>) {
  const n = g.length;
  const out = { update: new Float64Array(n), m: new Float64Array(n), v: new Float64Array(n), vMax: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const mi = a.beta1 * m[i]! + (1 - a.beta1) * g[i]!;
    const vi = a.beta2 * v[i]! + (1 - a.beta2) * g[i]! * g[i]!;
    const vh = vMax ? Math.max(vMax[i]!, vi) : vi;
    out.m[i] = mi;
    out.v[i] = vi;
    out.vMax[i] = vh;
    out.update[i] = (a.stepSize * mi) / (Math.sqrt(vh) + a.epsilon) + (a.decay ?? 0) * (p ? p[i]! : 0);
  }
  return out;
}

/** |got − want| ≤ rtol·(|want| + max|want|): float32 steps that cancel (m′ near 0) are judged at the tensor's scale. */
function expectClose(got: tf.Tensor, want: Float64Array, rtol: number): void {
  const d = got.dataSync();
  expect(d.length).toBe(want.length);
  const atol = rtol * want.reduce((a, x) => Math.max(a, Math.abs(x)), 0);
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(d[i]! - want[i]!);
    if (err > atol + rtol * Math.abs(want[i]!)) throw new Error(`element ${i}: got ${d[i]}, want ${want[i]} (error ${err})`);
  }
}

const CASES = [
  { name: 'adam', amsgrad: false, decay: 0 },
  { name: 'adamw (decay)', amsgrad: false, decay: -1e-3 * 0.01 },
  { name: 'amsgrad', amsgrad: true, decay: 0 },
  { name: 'amsgrad + decay', amsgrad: true, decay: -2e-4 },
] as const;

describe.each(['cpu', 'wasm'] as const)('adamUpdate on %s', (backend) => {
  afterEach(() => {
    useFusedKernels(true);
  });

  for (const c of CASES) {
    it(`${c.name}: one fused kernel call, equal to the formula and to the op composition`, async () => {
      await useBackend(backend, { quiet: true });
      const n = 1037; // odd, not a multiple of any vector width
      const [g, m, v, vm, p] = [values(n, 1), values(n, 2, -0.1, 0.1), values(n, 3, 0, 0.01), values(n, 4, 0, 0.02), values(n, 5)];
      const hyper = { beta1: 0.9, beta2: 0.999, stepSize: -1e-3 * Math.sqrt(1 - 0.999 ** 3) / (1 - 0.9 ** 3), epsilon: 1e-8 * Math.sqrt(1 - 0.999 ** 3), decay: c.decay };
      const want = reference(g, m, v, c.amsgrad ? vm : undefined, c.decay ? p : undefined, hyper);
      const ts = { grad: tf.tensor1d(g), m: tf.tensor1d(m), v: tf.tensor1d(v), vMax: tf.tensor1d(vm), param: tf.tensor1d(p) };
      const args = (): AdamUpdateArgs => ({ grad: ts.grad, m: ts.m, v: ts.v, ...(c.amsgrad ? { vMax: ts.vMax } : {}), ...(c.decay ? { param: ts.param } : {}), ...hyper });
      const before = { tensors: tf.memory().numTensors, ids: tf.backend().numDataIds() };

      const profile = await tf.profile(() => {
        const r = adamUpdate(args());
        return [r.update, r.m, r.v, ...(r.vMax ? [r.vMax] : [])];
      });
      expect(profile.kernels.map((k) => k.name)).toEqual([ADAM_UPDATE]);
      const fused = adamUpdate(args());
      useFusedKernels(false);
      const composed = adamUpdate(args());
      // The fused kernel rounds once (on store: float32 ulp 6e-8); the composition rounds every step.
      for (const [r, rtol] of [[fused, 2e-7], [composed, 1e-5]] as const) {
        expectClose(r.update, want.update, rtol);
        expectClose(r.m, want.m, rtol);
        expectClose(r.v, want.v, rtol);
        if (c.amsgrad) expectClose(r.vMax!, want.vMax, rtol);
        else expect(r.vMax).toBeUndefined();
      }
      for (const r of [fused, composed]) tf.dispose([r.update, r.m, r.v, ...(r.vMax ? [r.vMax] : [])]);
      tf.dispose((profile as unknown as { result: tf.Tensor[] }).result);
      expect(tf.memory().numTensors).toBe(before.tensors);
      expect(tf.backend().numDataIds()).toBe(before.ids);
      tf.dispose(Object.values(ts));
    });
  }

  if (backend === 'wasm') {
    it('takes the WebAssembly SIMD loop on the backend heap (Node 20 has wasm SIMD)', async () => {
      await useBackend(backend, { quiet: true });
      const heap = wasmHeap(tf.backend());
      expect(heap?.memory).toBeInstanceOf(webAssembly().Memory);
      expect(typeof simdAdam(heap!.memory)).toBe('function');
    });
  }

  it('keeps its inputs unchanged and handles a 0-d and a 2-d variable', async () => {
    await useBackend(backend, { quiet: true });
    const g = tf.tensor2d([[1, -2], [3, 0]]);
    const m = tf.zeros([2, 2]);
    const v = tf.zeros([2, 2]);
    const r = adamUpdate({ grad: g, m, v, beta1: 0.9, beta2: 0.999, stepSize: -0.1 * Math.sqrt(0.001) / 0.1, epsilon: 0 });
    // First step from zero moments, ε = 0: u = −lr·sign(g) (and 0 where g = 0: 0/0 is NaN in both implementations).
    const u = r.update.dataSync();
    expect(Array.from(u.slice(0, 3)).map((x) => +x.toFixed(6))).toEqual([-0.1, 0.1, -0.1]);
    expect(r.update.shape).toEqual([2, 2]);
    expect(Array.from(g.dataSync())).toEqual([1, -2, 3, 0]);
    expect(Array.from(m.dataSync())).toEqual([0, 0, 0, 0]);
    const s = adamUpdate({ grad: tf.scalar(2), m: tf.scalar(0), v: tf.scalar(0), beta1: 0.5, beta2: 0.5, stepSize: 1, epsilon: 0 });
    // m′ = 1, v′ = 2 → u = 1/√2
    expect(s.update.shape).toEqual([]);
    expect(s.update.dataSync()[0]).toBeCloseTo(1 / Math.SQRT2, 6);
  });
});

describe('adamUpdate errors', () => {
  it('names the argument, what it expected and what came', () => {
    const g = tf.zeros([2, 3]);
    expect(() => adamUpdate({ grad: g, m: tf.zeros([3, 2]), v: tf.zeros([2, 3]), beta1: 0.9, beta2: 0.999, stepSize: -1, epsilon: 1e-8 })).toThrow(
      /adamUpdate: m must have the gradient's shape \[2,3\]; got \[3,2\]/,
    );
    expect(() => adamUpdate({ grad: g, m: g, v: g, beta1: 0.9, beta2: 0.999, stepSize: -1, epsilon: 1e-8, decay: -0.1 })).toThrow(/param is required when decay/);
  });
});

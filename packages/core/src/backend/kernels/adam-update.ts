import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { allocFloat32, float32View, fusedKernelApplies, wasmHeap } from './host-memory.js';
import { simdAdam } from './wasm-simd.js';

/** Name of the fused Adam kernel Tessera registers for `cpu` and `wasm`. */
export const ADAM_UPDATE = 'TesseraAdamUpdate';

/** Inputs of {@link adamUpdate}: one variable's gradient and moments, and the step's host-side scalars. */
export interface AdamUpdateArgs {
  /** Gradient g (float32). */
  grad: tf.Tensor;
  /** First moment m of the previous step. */
  m: tf.Tensor;
  /** Second moment v of the previous step. */
  v: tf.Tensor;
  /** Running maximum of v (AMSGrad); when given, v̂ = max(vMax, v′) replaces v′ in the denominator. */
  vMax?: tf.Tensor;
  /** The parameter θ; needed when `decay` ≠ 0. */
  param?: tf.Tensor;
  beta1: number;
  beta2: number;
  /** a in u = a·m′/(√v̂ + ε̂) + d·θ (e.g. −η·√(1−β2ᵗ)/(1−β1ᵗ)). */
  stepSize: number;
  /** ε̂ in the denominator (e.g. ε·√(1−β2ᵗ)). */
  epsilon: number;
  /** d in the decoupled decay term d·θ (e.g. −η·λ; 0 for none). */
  decay?: number;
}

/** Outputs of {@link adamUpdate}: the update to add to θ and the new moments. */
export interface AdamUpdateResult {
  update: tf.Tensor;
  m: tf.Tensor;
  v: tf.Tensor;
  vMax?: tf.Tensor;
}

/**
 * One Adam(W) step for one variable, as a single fused pass where the backend
 * allows it.
 *
 * Notation: g gradient, m/v moments, θ parameter, and the host scalars
 * a (step size), ε̂, d of {@link AdamUpdateArgs}.
 *
 *   m′ = β1·m + (1−β1)·g;  v′ = β2·v + (1−β2)·g²;  v̂ = max(vMax, v′) (AMSGrad) or v′
 *   u = a·m′ / (√v̂ + ε̂) + d·θ
 *
 * With a = −η·√(1−β2ᵗ)/(1−β1ᵗ) and ε̂ = ε·√(1−β2ᵗ) this is PyTorch's Adam
 * step −η·(m′/(1−β1ᵗ))/(√v′/√(1−β2ᵗ) + ε), and with d = −η·λ AdamW's
 * decoupled decay. On `cpu` and `wasm` it runs as the `TesseraAdamUpdate`
 * kernel, one pass that reads g, m, v (and θ) once and writes u, m′, v′, where
 * the op composition takes 11–13 backend kernel calls and as many full-size
 * temporaries (tf.train.adam takes 14): on wasm a 128-bit SIMD loop in
 * WebAssembly working on the backend's heap in place (`wasm/adam-update.wat`,
 * float32 arithmetic), on cpu (and for AMSGrad) a JavaScript loop in float64
 * arithmetic rounded to float32 on store. Elsewhere (tfjs-node, webgl), or with
 * `TESSERA_FUSED_KERNELS=off`, it runs as that op composition; the two agree
 * to float32 rounding (about 1e-7 relative).
 */
export function adamUpdate(args: AdamUpdateArgs): AdamUpdateResult {
  const { grad, m, v, vMax, param, beta1, beta2, stepSize, epsilon, decay = 0 } = args;
  if (decay !== 0 && param === undefined) throw new TypeError('adamUpdate: param is required when decay ≠ 0.');
  for (const [name, t] of [['m', m], ['v', v], ['vMax', vMax], ['param', param]] as const) {
    if (t !== undefined && !tf.util.arraysEqual(t.shape, grad.shape)) {
      throw new TypeError(`adamUpdate: ${name} must have the gradient's shape [${grad.shape}]; got [${t.shape}].`);
    }
  }
  if (fusedKernelApplies(ADAM_UPDATE, adamUpdateKernel, [grad, m, v, vMax, param])) {
    const inputs: Record<string, tf.Tensor> = { grad, m, v };
    if (vMax) inputs['vMax'] = vMax;
    if (decay !== 0) inputs['param'] = param!;
    const attrs = { beta1, beta2, stepSize, epsilon, decay };
    const outs = tf.engine().runKernel(ADAM_UPDATE, inputs, attrs) as unknown as tf.Tensor[];
    return { update: outs[0]!, m: outs[1]!, v: outs[2]!, ...(vMax ? { vMax: outs[3]! } : {}) };
  }
  return tf.tidy(() => {
    const m2 = tf.add(tf.mul(m, beta1), tf.mul(grad, 1 - beta1));
    const v2 = tf.add(tf.mul(v, beta2), tf.mul(tf.square(grad), 1 - beta2));
    const vMax2 = vMax ? tf.maximum(vMax, v2) : undefined;
    let update = tf.div(tf.mul(m2, stepSize), tf.add(tf.sqrt(vMax2 ?? v2), epsilon));
    if (decay !== 0) update = tf.add(update, tf.mul(param!, decay));
    const out: Record<string, tf.Tensor> = { update, m: m2, v: v2 };
    if (vMax2) out['vMax'] = vMax2;
    return out;
  }) as unknown as AdamUpdateResult;
}

// The loops are separate monomorphic functions so that V8 optimises each one on its own. Without
// decay the caller passes p = g and d = 0 (0·g adds nothing to a finite u; a non-finite g makes u
// NaN either way), as the WebAssembly loop does.

function adamLoop(g: Float32Array, m: Float32Array, v: Float32Array, p: Float32Array, u: Float32Array, m2: Float32Array, v2: Float32Array, b1: number, b2: number, a: number, eps: number, d: number): void {
  const c1 = 1 - b1;
  const c2 = 1 - b2;
  const n = g.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    const mi = b1 * m[i]! + c1 * gi;
    const vi = b2 * v[i]! + c2 * gi * gi;
    m2[i] = mi;
    v2[i] = vi;
    u[i] = (a * mi) / (Math.sqrt(vi) + eps) + d * p[i]!;
  }
}

function amsgradLoop(g: Float32Array, m: Float32Array, v: Float32Array, vMax: Float32Array, p: Float32Array | undefined, u: Float32Array, m2: Float32Array, v2: Float32Array, vMax2: Float32Array, b1: number, b2: number, a: number, eps: number, d: number): void {
  const c1 = 1 - b1;
  const c2 = 1 - b2;
  const n = g.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    const mi = b1 * m[i]! + c1 * gi;
    const vi = Math.fround(b2 * v[i]! + c2 * gi * gi);
    const vm = Math.max(vMax[i]!, vi);
    m2[i] = mi;
    v2[i] = vi;
    vMax2[i] = vm;
    u[i] = (a * mi) / (Math.sqrt(vm) + eps) + (p === undefined ? 0 : d * p[i]!);
  }
}

/** The `TesseraAdamUpdate` kernel for a host-memory backend (see {@link adamUpdate}). */
export function adamUpdateKernel(backendName: string): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, backend: owner, attrs }) => {
    const backend = owner as KernelBackend;
    const gInfo = inputs['grad'] as TensorInfo;
    const vMaxInfo = inputs['vMax'] as TensorInfo | undefined;
    const pInfo = inputs['param'] as TensorInfo | undefined;
    const shape = [...gInfo.shape];
    const { beta1, beta2, stepSize, epsilon, decay } = attrs as unknown as { beta1: number; beta2: number; stepSize: number; epsilon: number; decay: number };
    const heap = vMaxInfo ? undefined : wasmHeap(backend);
    const simd = heap && simdAdam(heap.memory);
    if (heap && simd) {
      // wasm: the SIMD loop works on the heap in place (no views, no copies).
      const { infos } = allocFloat32(backend, [shape, shape, shape]);
      const off = heap.offset;
      const g = off(gInfo);
      simd(
        g, off(inputs['m'] as TensorInfo), off(inputs['v'] as TensorInfo), pInfo ? off(pInfo) : g,
        off(infos[0]!), off(infos[1]!), off(infos[2]!), tf.util.sizeFromShape(shape),
        beta1, 1 - beta1, beta2, 1 - beta2, stepSize, epsilon, pInfo ? decay : 0,
      );
      return infos;
    }
    const { infos, views } = allocFloat32(backend, vMaxInfo ? [shape, shape, shape, shape] : [shape, shape, shape]);
    const [u, m2, v2, vMax2] = views as [Float32Array, Float32Array, Float32Array, Float32Array | undefined];
    const g = float32View(backend, gInfo);
    const m = float32View(backend, inputs['m'] as TensorInfo);
    const v = float32View(backend, inputs['v'] as TensorInfo);
    const p = pInfo ? float32View(backend, pInfo) : undefined;
    if (vMaxInfo) amsgradLoop(g, m, v, float32View(backend, vMaxInfo), p, u, m2, v2, vMax2!, beta1, beta2, stepSize, epsilon, decay);
    else adamLoop(g, m, v, p ?? g, u, m2, v2, beta1, beta2, stepSize, epsilon, p ? decay : 0);
    return infos;
  };
  return { kernelName: ADAM_UPDATE, backendName, kernelFunc };
}

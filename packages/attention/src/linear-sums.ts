/**
 * The sums that linear attention variants read, computed without a `[Tq, Tk]`
 * matrix: for each query i, over the keys j it may attend to,
 *
 *   qS_i = φ(q_i)·Σ_j φ(k_j)ᵀ v_j   [Dv]
 *   qz_i = φ(q_i)·Σ_j φ(k_j)        scalar
 *   vs_i = Σ_j v_j                   [Dv]
 *   n_i  = |{j}|                     scalar
 *
 * Non-causal: one `[Dh, Dv]` state per head, O(T·Dh·Dv). Causal: chunkwise
 * prefix sums — the sequence is cut into chunks of C, each chunk adds its
 * exclusive prefix state (a cumulative sum over chunks) and a C×C lower-
 * triangular block inside the chunk; memory O(T·C + (T/C)·Dh·Dv).
 *
 * Masks must be per key (`[.., 1, Tk]`, key padding) for this path; a mask
 * that varies over queries cannot be summed once, and the callers fall back
 * to the quadratic form for it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { bmm, to4d, type Prepared } from './attention-common.js';

export interface LinearSums {
  qS: tf.Tensor4D; // [B, H, Tq, Dv]
  qz: tf.Tensor4D; // [B, H, Tq, 1]
  vs: tf.Tensor4D; // [B, H, Tq|1, Dv]
  n: tf.Tensor4D; // [B, H, Tq|1, 1]
}

/** Whether the mask is per key only (its query axis has size 1), so the linear path applies. */
export function isKeyMask(x: Prepared): boolean {
  return !x.mask || to4d(x.mask).shape[2] === 1;
}

/** `[B, H, Tk, 1]` float 0/1 weights of the keys from a per-key mask, or undefined. */
function keyWeights(x: Prepared): tf.Tensor4D | undefined {
  if (!x.mask) return undefined;
  const m = to4d(x.mask); // [B|1, H|1, 1, Tk]
  return tf.reshape(tf.broadcastTo(tf.cast(m, 'float32'), [x.B, x.H, 1, x.Tk]), [x.B, x.H, x.Tk, 1]) as tf.Tensor4D;
}

const r3 = (t: tf.Tensor, a: number, b: number, c: number) => tf.reshape(t, [a, b, c]) as tf.Tensor3D;
const T3 = (t: tf.Tensor3D) => tf.transpose(t, [0, 2, 1]) as tf.Tensor3D;

/** Sums over all (unmasked) keys, shared by every query. */
function globalSums(phiQ: tf.Tensor4D, phiK: tf.Tensor4D, v: tf.Tensor4D, m: tf.Tensor4D | undefined): LinearSums {
  const [B, H, Tq, Dh] = phiQ.shape;
  const Tk = phiK.shape[2];
  const Dv = v.shape[3];
  const pk = m ? (tf.mul(phiK, m) as tf.Tensor4D) : phiK;
  const vm = m ? (tf.mul(v, m) as tf.Tensor4D) : v;
  const S = bmm(T3(r3(pk, B * H, Tk, Dh)), r3(vm, B * H, Tk, Dv)); // [BH, Dh, Dv]
  const q3 = r3(phiQ, B * H, Tq, Dh);
  const qS = tf.reshape(bmm(q3, S), [B, H, Tq, Dv]) as tf.Tensor4D;
  const z = tf.reshape(tf.sum(pk, 2), [B * H, Dh, 1]) as tf.Tensor3D;
  const qz = tf.reshape(bmm(q3, z), [B, H, Tq, 1]) as tf.Tensor4D;
  const vs = tf.sum(vm, 2, true) as tf.Tensor4D;
  const n = (m ? tf.sum(m, 2, true) : tf.fill([1, 1, 1, 1], Tk)) as tf.Tensor4D;
  return { qS, qz, vs, n };
}

const padT = (t: tf.Tensor4D, before: number, after: number) =>
  before === 0 && after === 0 ? t : (tf.pad(t, [[0, 0], [0, 0], [before, after], [0, 0]]) as tf.Tensor4D);

/** Causal sums for Tq = Tk = T (query i sees keys j ≤ i), chunkwise. */
function causalSums(phiQ: tf.Tensor4D, phiK: tf.Tensor4D, v: tf.Tensor4D, m: tf.Tensor4D, chunk: number): LinearSums {
  const [B, H, T, Dh] = phiQ.shape;
  const Dv = v.shape[3];
  const C = Math.min(chunk, T);
  const nC = Math.ceil(T / C);
  const pad = nC * C - T;
  const N = B * H * nC;
  const pq = r3(padT(phiQ, 0, pad), N, C, Dh);
  const mk = padT(m, 0, pad);
  const pk = r3(tf.mul(padT(phiK, 0, pad), mk), N, C, Dh);
  const vm = r3(tf.mul(padT(v, 0, pad), mk), N, C, Dv);
  const mc = r3(mk, N, C, 1);

  // exclusive prefix states over chunks
  // (a strictly lower-triangular [nC, nC] matmul: tfjs's Cumsum gradient is wrong off the last axis)
  const strict = tf.sub(tf.linalg.bandPart(tf.ones([nC, nC]), -1, 0), tf.eye(nC));
  const excl = (t: tf.Tensor, inner: number[]) => {
    const F = inner.reduce((a, b) => a * b, 1);
    const cols = tf.reshape(tf.transpose(tf.reshape(t, [B * H, nC, F]), [1, 0, 2]), [nC, B * H * F]) as tf.Tensor2D;
    const prefix = tf.matMul(strict as tf.Tensor2D, cols);
    return tf.reshape(tf.transpose(tf.reshape(prefix, [nC, B * H, F]), [1, 0, 2]), [N, ...inner]);
  };
  const Sprev = excl(bmm(T3(pk), vm), [Dh, Dv]) as tf.Tensor3D; // [N, Dh, Dv]
  const zprev = excl(tf.sum(pk, 1), [Dh, 1]) as tf.Tensor3D; // [N, Dh, 1]
  const vprev = excl(tf.sum(vm, 1), [1, Dv]) as tf.Tensor3D; // [N, 1, Dv]
  const nprev = excl(tf.sum(mc, 1), [1, 1]) as tf.Tensor3D; // [N, 1, 1]

  // intra-chunk lower-triangular blocks
  const tril = tf.reshape(tf.linalg.bandPart(tf.ones([C, C]), -1, 0), [1, C, C]) as tf.Tensor3D;
  const A = tf.mul(bmm(pq, T3(pk)), tril) as tf.Tensor3D; // [N, C, C]
  const L = tf.tile(tril, [N, 1, 1]) as tf.Tensor3D;

  const qS = tf.add(bmm(pq, Sprev), bmm(A, vm));
  const qz = tf.add(bmm(pq, zprev), tf.sum(A, -1, true));
  const vs = tf.add(vprev, bmm(L, vm));
  const n = tf.add(nprev, bmm(L, mc));
  const unchunk = (t: tf.Tensor, d: number) => tf.slice(tf.reshape(t, [B, H, nC * C, d]), [0, 0, 0, 0], [B, H, T, d]) as tf.Tensor4D;
  return { qS: unchunk(qS, Dv), qz: unchunk(qz, 1), vs: unchunk(vs, Dv), n: unchunk(n, 1) };
}

/**
 * The sums for feature maps `phiQ [B,H,Tq,Dh]`, `phiK [B,H,Tk,Dh]` and values,
 * honouring a per-key mask and the causal band j ≤ i + Tk − Tq.
 */
export function linearSums(x: Prepared, phiQ: tf.Tensor4D, phiK: tf.Tensor4D, chunk: number): LinearSums {
  const m = keyWeights(x);
  const v = x.v;
  if (!x.causal) return globalSums(phiQ, phiK, v, m);
  const { B, H, Tq, Tk } = x;
  const ones = m ?? (tf.ones([B, H, Tk, 1]) as tf.Tensor4D);
  const off = Tk - Tq;
  if (off === 0) return causalSums(phiQ, phiK, v, ones, chunk);
  if (off > 0) {
    // keys [0, off) are visible to every query; keys [off, Tk) align with the queries
    const sl = (t: tf.Tensor4D, start: number, size: number) => tf.slice(t, [0, 0, start, 0], [B, H, size, t.shape[3]]) as tf.Tensor4D;
    const head = globalSums(phiQ, sl(phiK, 0, off), sl(v, 0, off), sl(ones, 0, off));
    const tail = causalSums(phiQ, sl(phiK, off, Tq), sl(v, off, Tq), sl(ones, off, Tq), chunk);
    return {
      qS: tf.add(head.qS, tail.qS) as tf.Tensor4D,
      qz: tf.add(head.qz, tail.qz) as tf.Tensor4D,
      vs: tf.add(head.vs, tail.vs) as tf.Tensor4D,
      n: tf.add(head.n, tail.n) as tf.Tensor4D,
    };
  }
  // Tq > Tk: the first −off queries see no key; the rest align with the keys
  const lead = -off;
  const q = tf.slice(phiQ, [0, 0, lead, 0], [B, H, Tk, phiQ.shape[3]]) as tf.Tensor4D;
  const s = causalSums(q, phiK, v, ones, chunk);
  return { qS: padT(s.qS, lead, 0), qz: padT(s.qz, lead, 0), vs: padT(s.vs, lead, 0), n: padT(s.n, lead, 0) };
}

/** φ(x) = elu(x) + 1, the feature map of Katharopoulos et al. */
export const eluPlusOne = (t: tf.Tensor4D) => tf.add(tf.elu(t), 1) as tf.Tensor4D;

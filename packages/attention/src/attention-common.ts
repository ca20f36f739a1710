/**
 * Shared machinery of the attention variants: input validation, the
 * "may attend" mask (boolean mask ∧ causal band), scores with well-shaped
 * matmuls, logit soft-capping and the common hyperparameters.
 *
 * Notation: B batch, H heads, Tq query length, Tk key length, Dh head
 * dimension of queries and keys, Dv head dimension of values; `allowed[b,h,i,j]`
 * is true when query i may attend to key j.
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkTensor, requireInput, ShapeError, z, type Attention, type AttentionInputs, type PluginManifest } from '@tessera/core';

/** What `apply` accepts: the core contract plus two optional extras used by {@link MultiHeadAttention}. */
export interface AttentionCall extends AttentionInputs {
  /**
   * Attention-regularizer hook: receives the attention weights `[B, H, Tq, Tk]`
   * (masked entries 0) of the variants that form them (`formsWeights: true`),
   * inside the caller's tape, so a regularizer computed from them is differentiable.
   */
  onWeights?: (weights: tf.Tensor) => void;
  /** Learnable tensors of the variant, by the names of its `weightSpecs` (owned by the caller). */
  weights?: Record<string, tf.Tensor>;
}

/** A learnable tensor a variant needs (cosine's scale, URPE's Toeplitz coefficients). */
export interface AttentionWeightSpec {
  readonly name: string;
  /** The shape for `numHeads` heads. */
  shape(numHeads: number): number[];
  /** Initial value of every element. */
  readonly init: number;
}

/** An attention variant of this package, as `registry.create('attention', name, params)` returns it. */
export interface AttentionVariant<P = Record<string, unknown>> extends Attention {
  readonly manifest: PluginManifest<P>;
  /** The validated hyperparameters it was built from (used to serialize a MultiHeadAttention). */
  readonly params: P;
  /** Whether it forms the `[Tq, Tk]` weight matrix (and so can hand it to `onWeights`). */
  readonly formsWeights: boolean;
  /** Learnable tensors it reads from `inputs.weights`; when absent it uses `init`. */
  readonly weightSpecs: readonly AttentionWeightSpec[];
  apply(inputs: AttentionCall): tf.Tensor;
}

/** Validated inputs. */
export interface Prepared {
  readonly q: tf.Tensor4D;
  readonly k: tf.Tensor4D;
  readonly v: tf.Tensor4D;
  readonly mask?: tf.Tensor;
  readonly causal: boolean;
  readonly B: number;
  readonly H: number;
  readonly Tq: number;
  readonly Tk: number;
  readonly Dh: number;
  readonly Dv: number;
}

const fmt = (s: readonly number[]) => `[${s.join(', ')}]`;

/** Validates `{ query, key, value, mask?, causal? }`; errors name the plugin, the argument, expected and actual shape. */
export function prepareInputs(inputs: AttentionCall, plugin: string): Prepared {
  const q = requireInput(inputs as unknown as Record<string, unknown>, 'query', plugin, { rank: 4, dtype: 'float32', describe: '[B, H, Tq, Dh]' }) as tf.Tensor4D;
  const k = requireInput(inputs as unknown as Record<string, unknown>, 'key', plugin, { rank: 4, dtype: 'float32', describe: '[B, H, Tk, Dh]' }) as tf.Tensor4D;
  const v = requireInput(inputs as unknown as Record<string, unknown>, 'value', plugin, { rank: 4, dtype: 'float32', describe: '[B, H, Tk, Dv]' }) as tf.Tensor4D;
  const [B, H, Tq, Dh] = q.shape;
  const [, , Tk] = k.shape;
  if (k.shape[0] !== B || k.shape[1] !== H || k.shape[3] !== Dh) {
    throw new ShapeError(`${plugin}: key must have shape [B, H, Tk, Dh] = [${B}, ${H}, Tk, ${Dh}] to match query ${fmt(q.shape)}; got ${fmt(k.shape)}.`);
  }
  if (v.shape[0] !== B || v.shape[1] !== H || v.shape[2] !== Tk) {
    throw new ShapeError(`${plugin}: value must have shape [B, H, Tk, Dv] = [${B}, ${H}, ${Tk}, Dv] to match key ${fmt(k.shape)}; got ${fmt(v.shape)}.`);
  }
  let mask: tf.Tensor | undefined;
  if (inputs.mask !== undefined && inputs.mask !== null) {
    mask = checkTensor(inputs.mask, 'mask', plugin, { dtype: 'bool', describe: `broadcastable to [B, H, Tq, Tk] = [${B}, ${H}, ${Tq}, ${Tk}]` });
    const target = [B, H, Tq, Tk];
    const ok = mask.rank <= 4 && mask.shape.every((d, i) => d === 1 || d === target[4 - mask!.rank + i]);
    if (!ok) {
      throw new ShapeError(`${plugin}: mask must be boolean and broadcastable to [B, H, Tq, Tk] = ${fmt(target)}; got ${fmt(mask.shape)}.`);
    }
  }
  if (inputs.causal !== undefined && typeof inputs.causal !== 'boolean') {
    throw new ShapeError(`${plugin}: causal must be a boolean; got ${typeof inputs.causal}.`);
  }
  return { q, k, v, mask, causal: inputs.causal === true, B, H, Tq, Tk, Dh, Dv: v.shape[3] };
}

/** `[Tq, Tk]` boolean: key j ≤ i + (Tk − Tq) (bottom-right aligned, as in the core contract). */
export function causalMask(Tq: number, Tk: number): tf.Tensor2D {
  return tf.tidy(() => {
    const rows = tf.reshape(tf.add(tf.range(0, Tq, 1, 'int32'), tf.scalar(Tk - Tq, 'int32')), [Tq, 1]);
    const cols = tf.reshape(tf.range(0, Tk, 1, 'int32'), [1, Tk]);
    return tf.lessEqual(cols, rows) as tf.Tensor2D;
  });
}

/**
 * `[1, 1, Tq, Tk]` additive causal bias: 0 where key j ≤ i + (Tk − Tq), {@link MASKED_LOGIT} elsewhere.
 * Added to finite logits it replaces the masked ones by exactly −1e30 (|s| < 3.8e22 is absorbed),
 * as the `where`-based path does, with one broadcast `Add` and nothing in the backward pass.
 */
export function causalBias(Tq: number, Tk: number): tf.Tensor4D {
  return tf.tidy(() => {
    const allowed = causalMask(Tq, Tk);
    return tf.reshape(tf.where(allowed, tf.zeros([Tq, Tk]), tf.fill([Tq, Tk], MASKED_LOGIT)), [1, 1, Tq, Tk]) as tf.Tensor4D;
  });
}

/** The rank-4 "may attend" mask (mask ∧ causal), broadcastable to `[B, H, Tq, Tk]`, or undefined when everything may attend. */
export function allowedMask(p: Prepared): tf.Tensor4D | undefined {
  if (!p.mask && !p.causal) return undefined;
  return tf.tidy(() => {
    let allowed: tf.Tensor | undefined = p.mask ? to4d(p.mask) : undefined;
    if (p.causal) {
      const c = tf.reshape(causalMask(p.Tq, p.Tk), [1, 1, p.Tq, p.Tk]);
      allowed = allowed ? tf.logicalAnd(allowed, c) : c;
    }
    return allowed as tf.Tensor4D;
  });
}

/** Reshapes a broadcastable tensor to rank 4 by prepending unit axes. */
export function to4d(x: tf.Tensor): tf.Tensor4D {
  if (x.rank === 4) return x as tf.Tensor4D;
  const shape: number[] = [...new Array<number>(4 - x.rank).fill(1), ...x.shape];
  return tf.reshape<tf.Rank>(x, shape) as tf.Tensor4D;
}

/**
 * Batched matmul `a [N, M, K] · b [N, K, P]` whose gradient uses explicit
 * transposes (`matMul(dy, transpose(b))`, `matMul(transpose(a), dy)`) instead of
 * the transposed-operand forms, which are 13–30× slower on wasm (DESIGN.md §6).
 */
export function bmm(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  return bmmGrad(a, b) as tf.Tensor3D;
}

const bmmGrad = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a as tf.Tensor3D, b as tf.Tensor3D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor3D, tf.Tensor3D];
      return [
        tf.matMul(dy as tf.Tensor3D, tf.transpose(sb, [0, 2, 1])),
        tf.matMul(tf.transpose(sa, [0, 2, 1]), dy as tf.Tensor3D),
      ];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]);

/** `x [B, H, T, D] · yᵀ` → `[B, H, Tx, Ty]` (e.g. `q·kᵀ`). */
export function matmulT(x: tf.Tensor4D, y: tf.Tensor4D): tf.Tensor4D {
  const [B, H, Tx, D] = x.shape;
  const Ty = y.shape[2];
  const x3 = tf.reshape(x, [B * H, Tx, D]) as tf.Tensor3D;
  const yT = tf.transpose(tf.reshape(y, [B * H, Ty, D]), [0, 2, 1]) as tf.Tensor3D;
  return tf.reshape(bmm(x3, yT), [B, H, Tx, Ty]) as tf.Tensor4D;
}

/** `w [B, H, Tq, Tk] · v [B, H, Tk, Dv]` → `[B, H, Tq, Dv]`. */
export function matmul4(w: tf.Tensor4D, v: tf.Tensor4D): tf.Tensor4D {
  const [B, H, Tq, Tk] = w.shape;
  const Dv = v.shape[3];
  return tf.reshape(bmm(tf.reshape(w, [B * H, Tq, Tk]) as tf.Tensor3D, tf.reshape(v, [B * H, Tk, Dv]) as tf.Tensor3D), [B, H, Tq, Dv]) as tf.Tensor4D;
}

/** Logit soft-capping `c·tanh(s/c)` (Gemma 2); identity when `c = 0`. */
export function softCap(s: tf.Tensor4D, cap: number): tf.Tensor4D {
  return cap > 0 ? (tf.mul(tf.tanh(tf.div(s, cap)), cap) as tf.Tensor4D) : s;
}

/** Scaled (and soft-capped) scores `cap(scale · q·kᵀ)`; the scale multiplies q, the smaller operand. */
export function scaledScores(p: Prepared, scale: number | null, cap = 0): tf.Tensor4D {
  const s = scale ?? 1 / Math.sqrt(p.Dh);
  return softCap(matmulT(tf.mul(p.q, s) as tf.Tensor4D, p.k), cap);
}

/** Zeroes the entries that may not attend (a `where`, never `-Infinity` arithmetic). */
export function zeroMasked(w: tf.Tensor4D, allowed: tf.Tensor | undefined): tf.Tensor4D {
  if (!allowed) return w;
  return tf.where(tf.broadcastTo(allowed, w.shape), w, tf.zerosLike(w)) as tf.Tensor4D;
}

/** Fill value for masked logits before a max/softmax: finite, so a fully masked row stays finite. */
export const MASKED_LOGIT = -1e30;

/** Common hyperparameters. */
export const scaleParam = () =>
  z.number().positive().nullable().default(null).describe('Multiplier of q·k; null = 1/√Dh (the default of every variant).');
export const softCapParam = () =>
  z.number().min(0).max(1e6).default(0).describe('Logit soft-cap c: scores s ← c·tanh(s/c) before the nonlinearity (Gemma 2); 0 = off.');

/** Builds the instance object shared by every variant. */
export function variant<P>(
  manifest: PluginManifest<P>,
  params: P,
  apply: (inputs: AttentionCall) => tf.Tensor,
  opts: { formsWeights: boolean; weightSpecs?: readonly AttentionWeightSpec[] },
): AttentionVariant<P> {
  return Object.freeze({ manifest, params, formsWeights: opts.formsWeights, weightSpecs: opts.weightSpecs ?? [], apply });
}

/** The plugin label used in errors: `attention "softmax"`. */
export const label = (name: string) => `attention "${name}"`;

/**
 * The common tail of the quadratic variants: weights `w = f(s)` zeroed where
 * attending is not allowed, handed to `onWeights`, then `w·v`.
 */
export function quadraticAttention(x: Prepared, inputs: AttentionCall, s: tf.Tensor4D, f: (s: tf.Tensor4D, allowed: tf.Tensor4D | undefined) => tf.Tensor4D): tf.Tensor4D {
  const allowed = allowedMask(x);
  const w = zeroMasked(f(s, allowed), allowed);
  inputs.onWeights?.(w);
  return matmul4(w, x.v);
}

/** Number of keys each query may attend to, `[B|1, H|1, Tq, 1]` float32 (Tk when nothing is masked). */
export function allowedCount(x: Prepared, allowed: tf.Tensor4D | undefined): tf.Tensor4D {
  if (!allowed) return tf.fill([1, 1, 1, 1], x.Tk) as tf.Tensor4D;
  return tf.sum(tf.cast(allowed, 'float32'), -1, true) as tf.Tensor4D;
}

/** Chunk length of the causal prefix-sum path of the linear variants. */
export const chunkSizeParam = () =>
  z.number().int().min(1).max(4096).default(64).describe('Causal path: chunk length C of the chunkwise prefix sums (memory O(T·C + T/C·Dh·Dv)); no effect on the result.');

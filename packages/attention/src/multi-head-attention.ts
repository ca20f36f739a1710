import * as tf from '@tensorflow/tfjs-core';
import { initializers, layers, type LayerVariable } from '@tensorflow/tfjs-layers';
import { checkTensor, createRegistry, ShapeError, type PluginRegistry } from '@tessera/core';
import normalizationModule from '@tessera/normalization/module';
import attentionModule from './module.js';
import type { AttentionVariant } from './attention-common.js';

let defaultRegistry: PluginRegistry | undefined;

/** The registry names are resolved in when none is given: this package's attention variants and @tessera/normalization. */
export function defaultAttentionRegistry(): PluginRegistry {
  defaultRegistry ??= createRegistry(attentionModule, normalizationModule);
  return defaultRegistry;
}

/** Sets the registry that layers deserialized from a saved model resolve names in (for user plugins). */
export function setDefaultAttentionRegistry(registry: PluginRegistry): void {
  defaultRegistry = registry;
}

/** The constructor arguments of {@link MultiHeadAttention}. */
export interface MultiHeadAttentionArgs {
  /** Number of heads H. */
  numHeads: number;
  /** Size of each query and key head Dh. */
  keyDim: number;
  /** Size of each value head Dv (default keyDim). */
  valueDim?: number;
  /** Output size (default: the query's last axis D). */
  outputDim?: number;
  /** The attention variant: a plugin name (default 'softmax') or an instance. */
  attention?: string | AttentionVariant;
  /** Hyperparameters of the variant when given by name. */
  attentionParams?: Record<string, unknown>;
  /** Dropout on the attention output heads, training only (default 0). */
  dropout?: number;
  /** Biases on the four projections (default true). */
  useBias?: boolean;
  /** Causal self-attention by default (a call's `causal` overrides it). */
  causal?: boolean;
  /** QK-normalisation: a normalization plugin name (one layer for q, one for k), a layer instance (shared), or null. */
  qkNorm?: string | layers.Layer | null;
  /** Hyperparameters of the QK-norm plugin when given by name. */
  qkNormParams?: Record<string, unknown>;
  /** Where names are resolved (default: this package's variants and @tessera/normalization). */
  registry?: PluginRegistry;
  /** Attention-regularizer hook: receives the weights `[B, H, Tq, Tk]` on every call (variants that form them). */
  onWeights?: (weights: tf.Tensor) => void;
  name?: string;
  trainable?: boolean;
  inputShape?: (number | null)[];
  batchInputShape?: (number | null)[];
}

/** What `call` accepts besides the inputs. */
export interface MultiHeadAttentionKwargs {
  training?: boolean;
  /** Boolean, broadcastable to `[B, H, Tq, Tk]`; `true` = may attend. */
  mask?: tf.Tensor;
  causal?: boolean;
  onWeights?: (weights: tf.Tensor) => void;
  [key: string]: unknown;
}

type Shape = (number | null)[];

const label = 'MultiHeadAttention';

/** `x [B, T, D] · W [D, E] (+ b)` → `[B, T, E]`, through a 2-D matmul (fast, and the batched-left gradient of tfjs is wrong). */
export function dense3(x: tf.Tensor, w: tf.Tensor, b?: tf.Tensor): tf.Tensor3D {
  const [B, T, D] = x.shape as [number, number, number];
  const E = w.shape[1]!;
  let y: tf.Tensor = tf.matMul(tf.reshape(x, [B * T, D]) as tf.Tensor2D, w as tf.Tensor2D);
  if (b) y = tf.add(y, b);
  return tf.reshape(y, [B, T, E]) as tf.Tensor3D;
}

/** Gives a child layer created by name a name derived from its parent's, so a reloaded model finds its weights. */
export function renameLayer(layer: layers.Layer, name: string): void {
  (layer as unknown as { name: string }).name = name;
}

/**
 * Builds a child layer inside the parent's `build`, so its weights exist before
 * the first call (symbolic models too): one eager call on zeros, which runs
 * under the child's own name scope, so its weight names stay unique in a saved model.
 */
export function buildChild(layer: layers.Layer, shape: (number | null)[]): void {
  if (!layer.built) {
    const probe = tf.zeros(shape.map((d) => d ?? 1));
    tf.dispose(layer.apply(probe) as tf.Tensor);
    probe.dispose();
  }
}

/**
 * Multi-head attention as a `tf.layers.Layer`, with any attention variant.
 *
 * Notation: x_q `[B, Tq, D]`, x_kv `[B, Tk, Dkv]`, H heads of size Dh (keys)
 * and Dv (values).
 *
 *   q = x_q W_q, k = x_k W_k, v = x_v W_v   split into H heads → `[B, H, T, ·]`
 *   (optional QK-norm on q and k over Dh)
 *   o = attention(q, k, v, mask, causal)     `[B, H, Tq, Dv]`
 *   y = concat_heads(dropout(o)) W_o         `[B, Tq, outputDim]`
 *
 * Inputs: one tensor (self-attention), `[query, value]` or `[query, value, key]`
 * (Keras' order). Variants with learnable tensors (`cosine`'s temperature,
 * `urpe`'s coefficients) get them as weights of this layer. Serializable
 * (`tf.serialization`) when the variant and the QK-norm are given by name.
 *
 * Differences with Keras' `MultiHeadAttention`: `dropout` applies to the
 * attention output heads, not to the attention probabilities (linear variants
 * have none); masks are boolean `[B, H, Tq, Tk]`-broadcastable, `true` = attend.
 */
export class MultiHeadAttention extends layers.Layer {
  static readonly className = 'TesseraMultiHeadAttention';

  readonly numHeads: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly outputDim: number | null;
  readonly dropoutRate: number;
  readonly useBias: boolean;
  readonly causal: boolean;
  readonly attention: AttentionVariant;
  readonly qkNormQ: layers.Layer | null;
  readonly qkNormK: layers.Layer | null;
  readonly onWeights?: (weights: tf.Tensor) => void;
  readonly #attentionName: string;
  readonly #attentionParams: Record<string, unknown>;
  readonly #qkNormName: string | null;
  readonly #qkNormParams: Record<string, unknown>;
  #w: Record<string, LayerVariable> = {};

  constructor(args: MultiHeadAttentionArgs) {
    super({ name: args.name, trainable: args.trainable, inputShape: args.inputShape, batchInputShape: args.batchInputShape });
    const posInt = (v: unknown, what: string) => {
      if (!Number.isInteger(v) || (v as number) < 1) throw new ShapeError(`${label}: ${what} must be a positive integer; got ${String(v)}.`);
      return v as number;
    };
    this.numHeads = posInt(args.numHeads, 'numHeads');
    this.keyDim = posInt(args.keyDim, 'keyDim');
    this.valueDim = args.valueDim === undefined ? this.keyDim : posInt(args.valueDim, 'valueDim');
    this.outputDim = args.outputDim === undefined || args.outputDim === null ? null : posInt(args.outputDim, 'outputDim');
    this.dropoutRate = args.dropout ?? 0;
    if (!(this.dropoutRate >= 0 && this.dropoutRate < 1)) throw new ShapeError(`${label}: dropout must be in [0, 1); got ${args.dropout}.`);
    this.useBias = args.useBias ?? true;
    this.causal = args.causal ?? false;
    const registry = args.registry ?? defaultAttentionRegistry();
    const att = args.attention ?? 'softmax';
    if (typeof att === 'string') {
      this.attention = registry.create('attention', att, args.attentionParams ?? {}) as AttentionVariant;
      this.#attentionName = att;
      this.#attentionParams = { ...(args.attentionParams ?? {}) };
    } else {
      if (typeof att?.apply !== 'function') throw new ShapeError(`${label}: attention must be a plugin name or an attention instance.`);
      this.attention = att;
      this.#attentionName = att.manifest.name;
      this.#attentionParams = { ...((att.params as Record<string, unknown>) ?? {}) };
    }
    const qn = args.qkNorm ?? null;
    if (typeof qn === 'string') {
      this.qkNormQ = registry.create('normalization', qn, args.qkNormParams ?? {}) as layers.Layer;
      this.qkNormK = registry.create('normalization', qn, args.qkNormParams ?? {}) as layers.Layer;
      this.#qkNormName = qn;
    } else {
      this.qkNormQ = qn;
      this.qkNormK = qn;
      this.#qkNormName = null;
    }
    this.#qkNormParams = { ...(args.qkNormParams ?? {}) };
    if (this.#qkNormName !== null) {
      renameLayer(this.qkNormQ!, `${this.name}_q_norm`);
      renameLayer(this.qkNormK!, `${this.name}_k_norm`);
    }
    this.onWeights = args.onWeights;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shapes = (Array.isArray(inputShape[0]) ? inputShape : [inputShape]) as (number | null)[][];
    const D = shapes[0]![shapes[0]!.length - 1]!;
    const Dv = (shapes[1] ?? shapes[0]!)[(shapes[1] ?? shapes[0]!).length - 1]!;
    const Dk = (shapes[2] ?? shapes[1] ?? shapes[0]!)[(shapes[2] ?? shapes[1] ?? shapes[0]!).length - 1]!;
    const H = this.numHeads;
    const out = this.outputDim ?? D;
    const glorot = initializers.glorotUniform({});
    const zeros = initializers.zeros();
    const add = (name: string, shape: number[], init: ReturnType<typeof initializers.zeros>) => {
      this.#w[name] = this.addWeight(name, shape, 'float32', init);
    };
    add('query_kernel', [D, H * this.keyDim], glorot);
    add('key_kernel', [Dk, H * this.keyDim], glorot);
    add('value_kernel', [Dv, H * this.valueDim], glorot);
    add('output_kernel', [H * this.valueDim, out], glorot);
    if (this.useBias) {
      add('query_bias', [H * this.keyDim], zeros);
      add('key_bias', [H * this.keyDim], zeros);
      add('value_bias', [H * this.valueDim], zeros);
      add('output_bias', [out], zeros);
    }
    for (const spec of this.attention.weightSpecs) {
      add(`attention_${spec.name}`, spec.shape(H), initializers.constant({ value: spec.init }));
    }
    if (this.qkNormQ) buildChild(this.qkNormQ, [null, H, null, this.keyDim]);
    if (this.qkNormK && this.qkNormK !== this.qkNormQ) buildChild(this.qkNormK, [null, H, null, this.keyDim]);
    this.built = true;
  }

  override get trainableWeights(): LayerVariable[] {
    const own = super.trainableWeights;
    return this.trainable ? [...own, ...this.#children().flatMap((c) => c.trainableWeights)] : own;
  }

  override set trainableWeights(w: LayerVariable[]) {
    super.trainableWeights = w;
  }

  override get nonTrainableWeights(): LayerVariable[] {
    return [...super.nonTrainableWeights, ...this.#children().flatMap((c) => c.nonTrainableWeights)];
  }

  override set nonTrainableWeights(w: LayerVariable[]) {
    super.nonTrainableWeights = w;
  }

  #children(): layers.Layer[] {
    const c: layers.Layer[] = [];
    if (this.qkNormQ) c.push(this.qkNormQ);
    if (this.qkNormK && this.qkNormK !== this.qkNormQ) c.push(this.qkNormK);
    return c;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const q = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [...q.slice(0, -1), this.outputDim ?? q[q.length - 1]!];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: MultiHeadAttentionKwargs = {}): tf.Tensor {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const xq = checkTensor(list[0], 'query', label, { rank: 3, dtype: 'float32', describe: '[B, Tq, D]' });
    const xv = checkTensor(list[1] ?? xq, 'value', label, { rank: 3, dtype: 'float32', describe: '[B, Tk, Dv]' });
    const xk = checkTensor(list[2] ?? xv, 'key', label, { rank: 3, dtype: 'float32', describe: '[B, Tk, Dk]' });
    const training = kwargs.training === true;
    return tf.tidy(() => {
      const H = this.numHeads;
      const w = (n: string) => this.#w[n]?.read();
      const heads = (x: tf.Tensor3D, d: number) => tf.transpose(tf.reshape(x, [x.shape[0], x.shape[1], H, d]), [0, 2, 1, 3]) as tf.Tensor4D;
      let q: tf.Tensor4D;
      let k: tf.Tensor4D;
      let v: tf.Tensor4D;
      if (xq === xk && xk === xv) {
        // Self-attention: one [D, 3E] projection (nn.MultiheadAttention's in_proj) instead of three.
        // The same products; fewer, larger kernels, and the backward pass transposes x once.
        const [wq, wk, wv] = [w('query_kernel')!, w('key_kernel')!, w('value_kernel')!];
        const bias = this.useBias ? tf.concat([w('query_bias')!, w('key_bias')!, w('value_bias')!]) : undefined;
        const qkv = dense3(xq, tf.concat([wq, wk, wv], 1), bias);
        const [qa, ka, va] = tf.split(qkv, [wq.shape[1]!, wk.shape[1]!, wv.shape[1]!], 2) as tf.Tensor3D[];
        q = heads(qa!, this.keyDim);
        k = heads(ka!, this.keyDim);
        v = heads(va!, this.valueDim);
      } else {
        q = heads(dense3(xq, w('query_kernel')!, w('query_bias')), this.keyDim);
        k = heads(dense3(xk, w('key_kernel')!, w('key_bias')), this.keyDim);
        v = heads(dense3(xv, w('value_kernel')!, w('value_bias')), this.valueDim);
      }
      if (this.qkNormQ) q = this.qkNormQ.apply(q, { training }) as tf.Tensor4D;
      if (this.qkNormK) k = this.qkNormK.apply(k, { training }) as tf.Tensor4D;
      const attWeights = Object.fromEntries(this.attention.weightSpecs.map((s) => [s.name, w(`attention_${s.name}`)!]));
      const onWeights = kwargs.onWeights ?? this.onWeights;
      let o = this.attention.apply({
        query: q,
        key: k,
        value: v,
        ...(kwargs.mask ? { mask: kwargs.mask } : {}),
        causal: kwargs.causal ?? this.causal,
        ...(this.attention.weightSpecs.length ? { weights: attWeights } : {}),
        ...(onWeights ? { onWeights } : {}),
      });
      if (training && this.dropoutRate > 0) o = tf.dropout(o, this.dropoutRate);
      const [B, , Tq] = o.shape as [number, number, number, number];
      const merged = tf.reshape(tf.transpose(o, [0, 2, 1, 3]), [B, Tq, H * this.valueDim]);
      return dense3(merged, w('output_kernel')!, w('output_bias'));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    if (this.qkNormQ && this.#qkNormName === null) {
      throw new ShapeError(`${label}: a QK-norm given as a layer instance cannot be serialized; give it by plugin name (qkNorm: 'rms-norm').`);
    }
    return {
      ...super.getConfig(),
      numHeads: this.numHeads,
      keyDim: this.keyDim,
      valueDim: this.valueDim,
      outputDim: this.outputDim,
      dropout: this.dropoutRate,
      useBias: this.useBias,
      causal: this.causal,
      attention: this.#attentionName,
      attentionParams: this.#attentionParams as tf.serialization.ConfigDict,
      qkNorm: this.#qkNormName,
      qkNormParams: this.#qkNormParams as tf.serialization.ConfigDict,
    };
  }
}

tf.serialization.registerClass(MultiHeadAttention);

import * as tf from '@tensorflow/tfjs-core';
import { initializers, layers, type LayerVariable } from '@tensorflow/tfjs-layers';
import { checkTensor, ShapeError, type PluginRegistry } from '@tessera/core';
import type { AttentionVariant } from './attention-common.js';
import { buildChild, defaultAttentionRegistry, dense3, renameLayer, MultiHeadAttention, type MultiHeadAttentionKwargs } from './multi-head-attention.js';

/** The constructor arguments of {@link TransformerBlock}. */
export interface TransformerBlockArgs {
  numHeads: number;
  /** Head size (default D / numHeads). */
  keyDim?: number;
  /** Hidden size of the feed-forward network (default 4·D). */
  ffDim?: number;
  /** Feed-forward activation (default 'gelu', tanh approximation as GPT-2). */
  activation?: 'gelu' | 'relu';
  /** The normalization: a plugin name (default 'layer-norm') or a layer instance (cloned for the second norm). */
  norm?: string | layers.Layer;
  normParams?: Record<string, unknown>;
  /** The attention variant: a plugin name (default 'softmax') or an instance. */
  attention?: string | AttentionVariant;
  attentionParams?: Record<string, unknown>;
  /** QK-norm of the attention (a normalization plugin name), or null. */
  qkNorm?: string | null;
  qkNormParams?: Record<string, unknown>;
  /** Causal self-attention (default false). */
  causal?: boolean;
  /** Dropout on both residual branches and on the attention heads, training only (default 0). */
  dropout?: number;
  /** LayerNorm scaling (Curse of Depth): multiply both norm outputs by 1/√layerIndex (default false). */
  layerNormScaling?: boolean;
  /** 1-based position of this block in the stack, for `layerNormScaling` (default 1). */
  layerIndex?: number;
  registry?: PluginRegistry;
  onWeights?: (weights: tf.Tensor) => void;
  name?: string;
  trainable?: boolean;
  inputShape?: (number | null)[];
  batchInputShape?: (number | null)[];
}

type Shape = (number | null)[];

const label = 'TransformerBlock';

const gelu = (x: tf.Tensor) =>
  tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3)))))));

function cloneLayer(layer: layers.Layer): layers.Layer {
  const Ctor = layer.constructor as new (config: tf.serialization.ConfigDict) => layers.Layer;
  const { name: _n, ...config } = layer.getConfig();
  return new Ctor(config);
}

/**
 * A pre-norm transformer block.
 *
 * Notation: x `[B, T, D]`, N₁, N₂ the two norms, s = 1/√ℓ with layer-norm
 * scaling (ℓ = `layerIndex`), else 1.
 *
 *   h = x + dropout(MHA(s·N₁(x)))
 *   y = h + dropout(W₂ act(W₁ s·N₂(h) + b₁) + b₂)
 *
 * `norm` and `attention` are plugin names (resolved in the registry) or
 * instances; `layerNormScaling` implements "The Curse of Depth in Large
 * Language Models" (the norm output of block ℓ scaled by 1/√ℓ). Serializable
 * when norm and attention are given by name.
 *
 * @see https://arxiv.org/abs/2002.04745 (pre-norm)
 * @see https://arxiv.org/abs/2502.05795 (LayerNorm scaling)
 */
export class TransformerBlock extends layers.Layer {
  static readonly className = 'TesseraTransformerBlock';

  readonly args: TransformerBlockArgs;
  readonly norm1: layers.Layer;
  readonly norm2: layers.Layer;
  mha: MultiHeadAttention | null = null;
  #w: Record<string, LayerVariable> = {};

  constructor(args: TransformerBlockArgs) {
    super({ name: args.name, trainable: args.trainable, inputShape: args.inputShape, batchInputShape: args.batchInputShape });
    if (!Number.isInteger(args.numHeads) || args.numHeads < 1) throw new ShapeError(`${label}: numHeads must be a positive integer; got ${String(args.numHeads)}.`);
    const layerIndex = args.layerIndex ?? 1;
    if (!Number.isInteger(layerIndex) || layerIndex < 1) throw new ShapeError(`${label}: layerIndex is 1-based; got ${String(args.layerIndex)}.`);
    this.args = { ...args, layerIndex };
    const registry = args.registry ?? defaultAttentionRegistry();
    const norm = args.norm ?? 'layer-norm';
    if (typeof norm === 'string') {
      this.norm1 = registry.create('normalization', norm, args.normParams ?? {}) as layers.Layer;
      this.norm2 = registry.create('normalization', norm, args.normParams ?? {}) as layers.Layer;
      renameLayer(this.norm1, `${this.name}_norm1`);
      renameLayer(this.norm2, `${this.name}_norm2`);
    } else {
      this.norm1 = norm;
      this.norm2 = cloneLayer(norm);
    }
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    const D = shape[shape.length - 1]!;
    const a = this.args;
    const keyDim = a.keyDim ?? Math.floor(D / a.numHeads);
    if (!(keyDim >= 1)) throw new ShapeError(`${label}: keyDim = D / numHeads = ${D} / ${a.numHeads} is not a positive integer; pass keyDim.`);
    const ffDim = a.ffDim ?? 4 * D;
    this.mha = new MultiHeadAttention({
      numHeads: a.numHeads,
      keyDim,
      attention: a.attention ?? 'softmax',
      attentionParams: a.attentionParams,
      qkNorm: a.qkNorm ?? null,
      qkNormParams: a.qkNormParams,
      causal: a.causal ?? false,
      dropout: a.dropout ?? 0,
      registry: a.registry,
      onWeights: a.onWeights,
      name: `${this.name}_mha`,
    });
    buildChild(this.norm1, [null, null, D]);
    buildChild(this.norm2, [null, null, D]);
    buildChild(this.mha, [null, null, D]);
    const glorot = initializers.glorotUniform({});
    const zeros = initializers.zeros();
    this.#w.ff1_kernel = this.addWeight('ff1_kernel', [D, ffDim], 'float32', glorot);
    this.#w.ff1_bias = this.addWeight('ff1_bias', [ffDim], 'float32', zeros);
    this.#w.ff2_kernel = this.addWeight('ff2_kernel', [ffDim, D], 'float32', glorot);
    this.#w.ff2_bias = this.addWeight('ff2_bias', [D], 'float32', zeros);
    this.built = true;
  }

  #children(): layers.Layer[] {
    return [this.norm1, this.norm2, ...(this.mha ? [this.mha] : [])];
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

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: MultiHeadAttentionKwargs = {}): tf.Tensor {
    const x = checkTensor(Array.isArray(inputs) ? inputs[0] : inputs, 'x', label, { rank: 3, dtype: 'float32', describe: '[B, T, D]' });
    const training = kwargs.training === true;
    const rate = this.args.dropout ?? 0;
    const s = this.args.layerNormScaling ? 1 / Math.sqrt(this.args.layerIndex!) : 1;
    return tf.tidy(() => {
      const drop = (t: tf.Tensor) => (training && rate > 0 ? tf.dropout(t, rate) : t);
      const scaled = (t: tf.Tensor) => (s === 1 ? t : tf.mul(t, s));
      const n1 = scaled(this.norm1.apply(x, { training }) as tf.Tensor);
      const h = tf.add(x, drop(this.mha!.apply(n1, kwargs) as tf.Tensor));
      const n2 = scaled(this.norm2.apply(h, { training }) as tf.Tensor);
      const w = (n: string) => this.#w[n]!.read();
      const hidden = dense3(n2, w('ff1_kernel'), w('ff1_bias'));
      const act = this.args.activation === 'relu' ? tf.relu(hidden) : gelu(hidden);
      return tf.add(h, drop(dense3(act, w('ff2_kernel'), w('ff2_bias'))));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const a = this.args;
    if (typeof (a.norm ?? 'layer-norm') !== 'string' || (a.attention !== undefined && typeof a.attention !== 'string')) {
      throw new ShapeError(`${label}: give norm and attention by plugin name to serialize the block.`);
    }
    const { registry: _r, onWeights: _o, name: _n, trainable: _t, inputShape: _i, batchInputShape: _b, ...rest } = a;
    return { ...super.getConfig(), ...(JSON.parse(JSON.stringify(rest)) as tf.serialization.ConfigDict) };
  }
}

tf.serialization.registerClass(TransformerBlock);

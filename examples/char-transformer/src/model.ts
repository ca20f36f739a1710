import * as tf from '@tensorflow/tfjs-core';
import type { layers } from '@tensorflow/tfjs-layers';
import type { ModelInput, PluginRegistry, TrainableModel } from '@tessera/core';
import { TransformerBlock } from '@tessera/attention';

export interface CharTransformerOptions {
  vocabSize: number;
  seqLen: number;
  dim?: number;
  numHeads?: number;
  numLayers?: number;
  /** The attention variant, by plugin name: 'softmax', 'sigmoid', 'linear', … */
  attention?: string;
  attentionParams?: Record<string, unknown>;
  /**
   * The normalization layer, by plugin name — used in every TransformerBlock (both pre-norms) and as
   * the final norm: 'layer-norm' (default), 'rms-norm', 'power-norm', 'unified-norm', …
   */
  norm?: string;
  normParams?: Record<string, unknown>;
  qkNorm?: string | null;
  registry: PluginRegistry;
  seed?: number;
}

/**
 * A GPT-style character language model: token + learned position
 * embeddings, `numLayers` pre-norm causal TransformerBlocks, a final norm
 * and a linear head. `forward` returns logits `[B·T, V]`.
 */
export class CharTransformer implements TrainableModel {
  readonly tokenEmbedding: tf.Variable;
  readonly positionEmbedding: tf.Variable;
  readonly blocks: TransformerBlock[];
  readonly finalNorm: layers.Layer;
  readonly head: tf.Variable;
  readonly headBias: tf.Variable;
  readonly opts: Required<Omit<CharTransformerOptions, 'attentionParams' | 'normParams' | 'qkNorm'>> & Pick<CharTransformerOptions, 'attentionParams' | 'normParams' | 'qkNorm'>;

  constructor(opts: CharTransformerOptions) {
    this.opts = { dim: 64, numHeads: 4, numLayers: 2, attention: 'softmax', norm: 'layer-norm', seed: 1, ...opts };
    const { vocabSize: V, seqLen: T, dim: D, seed } = this.opts;
    this.tokenEmbedding = tf.variable(tf.randomNormal([V, D], 0, 0.1, 'float32', seed));
    this.positionEmbedding = tf.variable(tf.randomNormal([T, D], 0, 0.1, 'float32', seed + 1));
    this.blocks = Array.from(
      { length: this.opts.numLayers },
      (_, i) =>
        new TransformerBlock({
          numHeads: this.opts.numHeads,
          attention: this.opts.attention,
          attentionParams: this.opts.attentionParams,
          qkNorm: this.opts.qkNorm ?? null,
          norm: this.opts.norm,
          normParams: this.opts.normParams,
          causal: true,
          layerIndex: i + 1,
          registry: this.opts.registry,
        }),
    );
    this.finalNorm = this.opts.registry.create('normalization', this.opts.norm, this.opts.normParams ?? {}) as layers.Layer;
    this.head = tf.variable(tf.randomNormal([D, V], 0, 1 / Math.sqrt(D), 'float32', seed + 2));
    this.headBias = tf.variable(tf.zeros([V]));
    // build every layer now, so trainableVariables is complete before the first step
    tf.tidy(() => {
      this.forward(tf.zeros([1, T], 'int32'), { training: false });
    });
  }

  get trainableVariables(): tf.Variable[] {
    return [
      this.tokenEmbedding,
      this.positionEmbedding,
      ...this.blocks.flatMap((b) => b.trainableWeights.map((w) => w.read() as tf.Variable)),
      ...this.finalNorm.trainableWeights.map((w) => w.read() as tf.Variable),
      this.head,
      this.headBias,
    ];
  }

  forward(x: ModelInput, { training }: { training: boolean }): tf.Tensor {
    const ids = x as tf.Tensor2D;
    const [B, T] = ids.shape;
    const D = this.opts.dim;
    let h: tf.Tensor = tf.add(tf.gather(this.tokenEmbedding, ids), tf.slice(this.positionEmbedding, [0, 0], [T, D]));
    for (const block of this.blocks) h = block.apply(h, { training }) as tf.Tensor;
    h = this.finalNorm.apply(h, { training }) as tf.Tensor;
    return tf.add(tf.matMul(tf.reshape(h, [B * T, D]) as tf.Tensor2D, this.head as tf.Tensor2D), this.headBias);
  }

  dispose(): void {
    tf.dispose([this.tokenEmbedding, this.positionEmbedding, this.head, this.headBias]);
    for (const b of this.blocks) b.dispose();
    this.finalNorm.dispose();
  }
}

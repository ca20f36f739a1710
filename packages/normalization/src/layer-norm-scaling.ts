import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, ShapeError, z } from '@tessera/core';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { layerNorm } from './layer-norm.js';
import { NormLayer, type BaseLayerOptions, type NormKwargs } from './norm-layer.js';
import { rmsNorm } from './rms-norm.js';

/**
 * LayerNorm Scaling, the functional form: Norm(x)/√ℓ with Norm a layer norm (or an RMS norm)
 * over the last axis and ℓ the 1-based index of the block.
 *
 * @see https://arxiv.org/abs/2502.05795
 */
export function layerNormScaling(
  x: tf.Tensor,
  layerIndex: number,
  gamma: tf.Tensor | null = null,
  beta: tf.Tensor | null = null,
  norm: 'layer-norm' | 'rms-norm' = 'layer-norm',
  epsilon = norm === 'layer-norm' ? 1e-5 : 1e-6,
): tf.Tensor {
  if (!Number.isInteger(layerIndex) || layerIndex < 1) throw new ShapeError(`normalization "layer-norm-scaling": layerIndex must be an integer ≥ 1 (1-based); got ${layerIndex}.`);
  return tf.tidy(() => {
    const y = norm === 'layer-norm' ? layerNorm(x, gamma, beta, epsilon) : rmsNorm(x, gamma, beta, epsilon);
    return tf.mul(y, 1 / Math.sqrt(layerIndex));
  });
}

export const layerNormScalingParams = z.strictObject({
  layerIndex: z.number().int().min(1).max(1e6).default(1).describe('ℓ, the 1-based index of the Transformer block this norm sits in; the output is scaled by 1/√ℓ.'),
  norm: z.enum(['layer-norm', 'rms-norm']).default('layer-norm').describe('The normalization that is scaled (the official code scales LLaMA’s RMSNorm).'),
  epsilon: z.number().positive().max(1).nullable().default(null).describe('ε of the norm; null = its default (layer-norm 1e-5, rms-norm 1e-6).'),
  elementwiseAffine: z.boolean().default(true).describe('Learn the norm’s gain γ (init 1).'),
  bias: z.boolean().default(true).describe('Learn β (init 0) for layer-norm; ignored for rms-norm (no bias, as LLaMA).'),
});
export type LayerNormScalingParams = z.output<typeof layerNormScalingParams>;

const manifest = { kind: 'normalization', name: 'layer-norm-scaling', params: layerNormScalingParams } as const;

/**
 * LayerNorm Scaling (Sun et al. 2025, "The Curse of Depth in Large Language Models"): the output
 * of the pre-norm of block ℓ is scaled by 1/√ℓ, which keeps the variance of deep Pre-LN blocks
 * from growing so that deep layers keep contributing.
 *
 * Notation: x `[..., D]`, ℓ = `layerIndex` ≥ 1. y = Norm(x)/√ℓ (Norm with its γ, β).
 * Use one instance per block position (ℓ is not shared between blocks); the final norm before
 * the head is not scaled. Matches the official code (`NORM_TYPE=LNS`: `1/sqrt(layer_index + 1)`
 * with a 0-based index).
 *
 * @see https://arxiv.org/abs/2502.05795
 */
export class LayerNormScaling extends NormLayer<LayerNormScalingParams> {
  static readonly className = 'TesseraLayerNormScaling';
  protected readonly ranks = [1, 2, 3, 4, 5];
  gamma?: LayerVariable;
  beta?: LayerVariable;

  constructor(config: Partial<LayerNormScalingParams> & BaseLayerOptions = {}) {
    super(manifest, config as Record<string, unknown>);
  }

  override build(inputShape: (number | null)[] | (number | null)[][]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    const d = shape[shape.length - 1];
    if (d == null) throw new ShapeError(`${this.label}: the last axis must have a known size; got [${shape.join(', ')}].`);
    if (this.params.elementwiseAffine) {
      this.gamma = this.weight('gamma', [d], 1);
      if (this.params.bias && this.params.norm === 'layer-norm') this.beta = this.weight('beta', [d], 0);
    }
    this.built = true;
  }

  protected forward(x: tf.Tensor, _training: boolean, _kwargs: NormKwargs): tf.Tensor {
    const { layerIndex, norm, epsilon } = this.params;
    return layerNormScaling(x, layerIndex, this.gamma?.read() ?? null, this.beta?.read() ?? null, norm, epsilon ?? undefined);
  }
}
tf.serialization.registerClass(LayerNormScaling);

export const layerNormScalingPlugin = definePlugin({
  ...manifest,
  package: '@tessera/normalization',
  summary: 'LayerNorm Scaling: the pre-norm output of block ℓ scaled by 1/√ℓ (Curse of Depth).',
  paper: { title: 'The Curse of Depth in Large Language Models', arxiv: '2502.05795', year: 2025 },
  create: (params) => new LayerNormScaling(params),
});

import * as tf from '@tensorflow/tfjs-core';
import { checkTensor, definePlugin, ShapeError, z } from '@tessera/core';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { layerNorm } from './layer-norm.js';
import { NormLayer, type BaseLayerOptions, type NormKwargs } from './norm-layer.js';
import { rmsNorm, safeSqrt } from './rms-norm.js';

const LABEL = 'normalization "qk-norm"';
type QkKind = 'layer-norm' | 'rms-norm' | 'l2';
const DEFAULT_EPS: Record<QkKind, number> = { 'layer-norm': 1e-5, 'rms-norm': 1e-6, l2: 1e-12 };

/**
 * QK normalization, the functional form: queries or keys `[B, H, T, Dh]` (any rank) normalised
 * over the head dimension (last axis) by a layer norm, an RMS norm, or to unit L2 norm
 * (x / max(‖x‖, ε), `F.normalize`), then scaled by γ `[Dh]` (and shifted by β).
 *
 * @see https://arxiv.org/abs/2309.14322
 */
export function qkNorm(x: tf.Tensor, kind: QkKind = 'layer-norm', gamma: tf.Tensor | null = null, beta: tf.Tensor | null = null, epsilon = DEFAULT_EPS[kind]): tf.Tensor {
  checkTensor(x, 'x', LABEL, { dtype: 'float32' });
  if (kind === 'layer-norm') return layerNorm(x, gamma, beta, epsilon);
  if (kind === 'rms-norm') return rmsNorm(x, gamma, beta, epsilon);
  return tf.tidy(() => {
    let y = tf.div(x, tf.maximum(safeSqrt(tf.sum(tf.square(x), -1, true)), epsilon));
    if (gamma) y = tf.mul(y, gamma);
    if (beta) y = tf.add(y, beta);
    return y;
  });
}

export const qkNormParams = z.strictObject({
  norm: z.enum(['layer-norm', 'rms-norm', 'l2']).default('layer-norm').describe('How q and k are normalised over the head dimension: layer norm (qk-layernorm), RMS norm, or unit L2 norm.'),
  epsilon: z.number().positive().max(1).nullable().default(null).describe('ε of the chosen norm; null = its default (layer-norm 1e-5, rms-norm 1e-6, l2 1e-12).'),
  elementwiseAffine: z.boolean().default(true).describe('Learn a gain γ over the head dimension (init 1), shared by all heads.'),
  bias: z.boolean().default(false).describe('Also learn β (init 0); off by default (bias-free qk-layernorm of the small-scale-proxies study).'),
});
export type QkNormParams = z.output<typeof qkNormParams>;

const manifest = { kind: 'normalization', name: 'qk-norm', params: qkNormParams } as const;

/**
 * QK-norm: normalises queries and keys over the head dimension before the dot product, which
 * bounds the attention logits and removes the logit-growth instability (Dehghani et al. 2023;
 * Wortsman et al. 2023 "Small-scale proxies for large-scale Transformer training instabilities").
 *
 * Notation: q or k `[B, H, T, Dh]` (or `[B, T, D]`), γ, β `[Dh]` shared across heads.
 * y = γ ⊙ Norm(x) (+ β) over the last axis. Apply one instance to q and one to k.
 *
 * Differences: Henry et al. (2020) use the L2 variant with a learned scalar on the logits; here
 * `norm: 'l2'` with a per-dimension γ (init 1) — put the scalar in the attention's scale.
 *
 * @see https://arxiv.org/abs/2309.14322
 * @see https://arxiv.org/abs/2010.04245
 */
export class QkNorm extends NormLayer<QkNormParams> {
  static readonly className = 'TesseraQkNorm';
  protected readonly ranks = [1, 2, 3, 4, 5];
  gamma?: LayerVariable;
  beta?: LayerVariable;

  constructor(config: Partial<QkNormParams> & BaseLayerOptions = {}) {
    super(manifest, config as Record<string, unknown>);
  }

  override build(inputShape: (number | null)[] | (number | null)[][]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    const d = shape[shape.length - 1];
    if (d == null) throw new ShapeError(`${this.label}: the head dimension must have a known size; got [${shape.join(', ')}].`);
    if (this.params.elementwiseAffine) {
      this.gamma = this.weight('gamma', [d], 1);
      if (this.params.bias) this.beta = this.weight('beta', [d], 0);
    }
    this.built = true;
  }

  protected forward(x: tf.Tensor, _training: boolean, _kwargs: NormKwargs): tf.Tensor {
    const { norm, epsilon } = this.params;
    return qkNorm(x, norm, this.gamma?.read() ?? null, this.beta?.read() ?? null, epsilon ?? DEFAULT_EPS[norm]);
  }
}
tf.serialization.registerClass(QkNorm);

export const qkNormPlugin = definePlugin({
  ...manifest,
  package: '@tessera/normalization',
  summary: 'QK-norm: queries/keys normalised over the head dimension (layer norm, RMS norm or L2) with a shared gain.',
  paper: { title: 'Small-scale proxies for large-scale Transformer training instabilities', arxiv: '2309.14322', year: 2023 },
  create: (params) => new QkNorm(params),
});

import * as tf from '@tensorflow/tfjs-core';
import { checkTensor, definePlugin, ShapeError, z } from '@tessera/core';
import { initializers, type LayerVariable } from '@tensorflow/tfjs-layers';
import { NormLayer, type BaseLayerOptions, type NormKwargs } from './norm-layer.js';

const LABEL = 'normalization "weight-standardization"';

/**
 * Weight standardisation of a kernel in the tfjs layout (`[in, out]`, `[k, in, out]`,
 * `[kh, kw, in, out]`): every output unit's fan-in is centred and divided by its standard
 * deviation, Ŵ = (W − μ_o)/(σ_o + ε) (official: unbiased σ, ε outside) or
 * (W − μ_o)/√(σ_o² + ε) (`inside`, as the BCN repository's `layers.py`).
 *
 * @see https://arxiv.org/abs/1903.10520
 */
export function standardizeWeight(kernel: tf.Tensor, epsilon = 1e-5, epsPlacement: 'outside' | 'inside' = 'outside'): tf.Tensor {
  checkTensor(kernel, 'kernel', LABEL, { rank: [2, 3, 4, 5], dtype: 'float32' });
  const axes = Array.from({ length: kernel.rank - 1 }, (_, i) => i);
  const n = kernel.size / kernel.shape[kernel.rank - 1]!;
  if (n < 2) throw new ShapeError(`${LABEL}: the fan-in must be at least 2 for an unbiased standard deviation; got kernel shape [${kernel.shape.join(', ')}].`);
  return tf.tidy(() => {
    const wc = tf.sub(kernel, tf.mean(kernel, axes, true));
    const variance = tf.div(tf.sum(tf.square(wc), axes, true), n - 1); // unbiased, as torch.std
    const denom = epsPlacement === 'outside' ? tf.add(tf.sqrt(variance), epsilon) : tf.sqrt(tf.add(variance, epsilon));
    return tf.div(wc, denom);
  });
}

export const weightStandardizationParams = z.strictObject({
  filters: z.number().int().min(1).max(65536).default(16).describe('Output channels (units for a [B, D] input).'),
  kernelSize: z.number().int().min(1).max(64).default(3).describe('Square kernel size of the convolution (ignored for a [B, D] input).'),
  strides: z.number().int().min(1).max(64).default(1).describe('Convolution stride.'),
  padding: z.enum(['valid', 'same']).default('valid').describe('Convolution padding (PyTorch/Keras default: valid).'),
  useBias: z.boolean().default(true).describe('Add a learned bias (init 0).'),
  epsilon: z.number().positive().max(1).default(1e-5).describe('Stabiliser of the kernel standard deviation (official 1e-5).'),
  epsPlacement: z.enum(['outside', 'inside']).default('outside').describe('`outside`: (W − μ)/(σ + ε) (official WS code); `inside`: (W − μ)/√(σ² + ε) (BCN repository).'),
});
export type WeightStandardizationParams = z.output<typeof weightStandardizationParams>;

const manifest = { kind: 'normalization', name: 'weight-standardization', params: weightStandardizationParams } as const;

/**
 * Weight Standardization (Qiao et al. 2019): a convolution (or dense layer) whose kernel is
 * standardised per output channel on every call, so the gradient also flows through μ_o, σ_o.
 * Pair it with `group-norm` or `batch-channel-norm`.
 *
 * Notation: input `[B, D]` (dense), `[B, T, C]` (1-D conv) or `[B, H, W, C]` (2-D conv); kernel
 * in the tfjs layout with the output channel last; statistics over every other axis (the fan-in).
 * y = conv(x, (W − μ_o)/(σ_o + ε)) + b with the unbiased σ_o (`torch.std`).
 *
 * Differences: timm's `StdConv2d` uses the biased variance inside the root with ε = 1e-6; the
 * BCN repository uses the unbiased variance inside the root (`epsPlacement: 'inside'`). Unlike
 * the other layers of this package it changes the channel count (to `filters`).
 *
 * @see https://arxiv.org/abs/1903.10520
 */
export class WeightStandardization extends NormLayer<WeightStandardizationParams> {
  static readonly className = 'TesseraWeightStandardization';
  protected readonly ranks = [2, 3, 4];
  kernel?: LayerVariable;
  bias?: LayerVariable;

  constructor(config: Partial<WeightStandardizationParams> & BaseLayerOptions = {}) {
    super(manifest, config as Record<string, unknown>);
  }

  override build(inputShape: (number | null)[] | (number | null)[][]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    const cin = shape[shape.length - 1];
    if (cin == null) throw new ShapeError(`${this.label}: the channel axis must have a known size; got [${shape.join(', ')}].`);
    const { filters, kernelSize: k, useBias } = this.params;
    const kshape = shape.length === 2 ? [cin, filters] : shape.length === 3 ? [k, cin, filters] : [k, k, cin, filters];
    this.kernel = this.addWeight('kernel', kshape, 'float32', initializers.glorotUniform({}));
    if (useBias) this.bias = this.weight('bias', [filters], 0);
    this.built = true;
  }

  override computeOutputShape(inputShape: (number | null)[] | (number | null)[][]): (number | null)[] {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    const { filters, kernelSize: k, strides: s, padding } = this.params;
    if (shape.length === 2) return [shape[0]!, filters];
    const spatial = shape.slice(1, -1).map((n) => (n == null ? null : padding === 'same' ? Math.ceil(n / s) : Math.ceil((n - k + 1) / s)));
    return [shape[0]!, ...spatial, filters];
  }

  protected forward(x: tf.Tensor, _training: boolean, _kwargs: NormKwargs): tf.Tensor {
    const { strides, padding, epsilon, epsPlacement } = this.params;
    const w = standardizeWeight(this.kernel!.read(), epsilon, epsPlacement);
    let y: tf.Tensor;
    if (x.rank === 2) y = tf.matMul(x, w);
    else if (x.rank === 3) y = tf.conv1d(x as tf.Tensor3D, w as tf.Tensor3D, strides, padding);
    else y = tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, strides, padding);
    return this.bias ? tf.add(y, this.bias.read()) : y;
  }
}
tf.serialization.registerClass(WeightStandardization);

export const weightStandardizationPlugin = definePlugin({
  ...manifest,
  package: '@tessera/normalization',
  summary: 'Weight Standardization: a convolution (or dense layer) whose kernel is standardised per output channel on every call.',
  paper: { title: 'Micro-Batch Training with Batch-Channel Normalization and Weight Standardization', arxiv: '1903.10520', year: 2019 },
  create: (params) => new WeightStandardization(params),
});

import * as tf from '@tensorflow/tfjs-core';
import { checkTensor, definePlugin, ShapeError, z } from '@tessera/core';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { axesField, broadcastParam, normAxes, normalizedShapeField, resolveAxes } from './layer-norm.js';
import { customGradOp, NormLayer, type BaseLayerOptions, type NormKwargs } from './norm-layer.js';

const LABEL = 'normalization "rms-norm"';

/** Where ε goes: `inside` the square root (T5, LLaMA, HF) or `outside`, added to the RMS (original RMSNorm code). */
export type EpsPlacement = 'inside' | 'outside';

/**
 * √v with gradient dy/(2√v) where v > 0 and 0 (not NaN or ∞) where v = 0, as PyTorch's
 * `norm` subgradient. A custom gradient: a `tf.where` on a condition computed from a taped
 * tensor has no gradient in tfjs (`Greater` has none).
 */
export const safeSqrt = customGradOp<[tf.Tensor]>((v, save) => {
  const pos = tf.greater(v, 0);
  const root = tf.where(pos, tf.sqrt(tf.where(pos, v, tf.onesLike(v))), tf.zerosLike(v));
  save([root]);
  return {
    value: root,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const r = saved[0]!;
      const ok = tf.greater(r, 0);
      return tf.where(ok, tf.div(dy, tf.mul(2, tf.where(ok, r, tf.onesLike(r)))), tf.zerosLike(r));
    },
  };
});

/**
 * RMS normalization, the functional form.
 *
 * `inside`:  y = γ ⊙ x / √(mean_A(x²) + ε) (+ β)   — `x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * g`
 * `outside`: y = γ ⊙ x / (√mean_A(x²) + ε) (+ β)   — the original RMSNorm code (`‖x‖·d^(−1/2) + ε`)
 *
 * @param x input of any rank, e.g. `[B, T, D]`
 * @param gamma gain with the shape of the normalised axes, or null
 * @param beta bias with the shape of the normalised axes, or null
 * @param epsilon 1e-6 by default (T5/LLaMA); the original code used 1e-8 outside the root
 * @param axis the axis or axes normalised over (default -1)
 * @param epsPlacement `inside` (default) or `outside` the square root
 * @see https://arxiv.org/abs/1910.07467
 * @see https://arxiv.org/abs/2305.14858
 */
export function rmsNorm(
  x: tf.Tensor,
  gamma: tf.Tensor | null = null,
  beta: tf.Tensor | null = null,
  epsilon = 1e-6,
  axis: number | readonly number[] = -1,
  epsPlacement: EpsPlacement = 'inside',
): tf.Tensor {
  checkTensor(x, 'x', LABEL, { dtype: 'float32' });
  return tf.tidy(() => {
    const axes = resolveAxes(axis, x.rank, LABEL);
    const ms = tf.mean(tf.square(x), axes, true);
    const denom = epsPlacement === 'inside' ? tf.sqrt(tf.add(ms, epsilon)) : tf.add(safeSqrt(ms), epsilon);
    let y = tf.div(x, denom);
    if (gamma) y = tf.mul(y, broadcastParam(checkTensor(gamma, 'gamma', LABEL), x.shape, axes, 'gamma', LABEL));
    if (beta) y = tf.add(y, broadcastParam(checkTensor(beta, 'beta', LABEL), x.shape, axes, 'beta', LABEL));
    return y;
  });
}

export const rmsNormParams = z.strictObject({
  epsilon: z.number().positive().max(1).default(1e-6).describe('Stabiliser: 1e-6 inside the root (T5/LLaMA); the original RMSNorm code uses 1e-8 outside.'),
  epsPlacement: z.enum(['inside', 'outside']).default('inside').describe('`inside`: x/√(mean x² + ε); `outside`: x/(√mean x² + ε).'),
  elementwiseAffine: z.boolean().default(true).describe('Learn a per-element gain γ (init 1).'),
  bias: z.boolean().default(false).describe('Also learn a bias β (init 0); on when converting a Pre-LN model (LN’s β is kept).'),
  axis: axesField('Axis or axes normalised over; default the last axis.'),
  normalizedShape: normalizedShapeField(),
});
export type RmsNormParams = z.output<typeof rmsNormParams>;

const manifest = { kind: 'normalization', name: 'rms-norm', params: rmsNormParams } as const;

/**
 * Root-mean-square normalization (Zhang & Sennrich 2019) as a `tf.layers.Layer`.
 *
 * Notation: x `[..., D]`, A the normalised axes (default last), γ (and optional β) of the shape of A.
 * y = γ ⊙ x / √(mean_A(x²) + ε) (+ β). No centering, no running statistics.
 *
 * Differences: PyTorch 1.13 has no `nn.RMSNorm` (2.4+ puts ε inside the root and defaults it
 * to the dtype's machine epsilon); HF/LLaMA use 1e-6 inside — the default here. The original
 * RMSNorm code adds ε = 1e-8 to the RMS, outside the root (`epsPlacement: 'outside'`).
 * Partial RMSNorm (pRMS) is not implemented.
 *
 * @see https://arxiv.org/abs/1910.07467
 */
export class RmsNorm extends NormLayer<RmsNormParams> {
  static readonly className = 'TesseraRmsNorm';
  protected readonly ranks = [1, 2, 3, 4, 5, 6];
  gamma?: LayerVariable;
  beta?: LayerVariable;

  constructor(config: Partial<RmsNormParams> & BaseLayerOptions = {}) {
    super(manifest, config as Record<string, unknown>);
  }

  override build(inputShape: (number | null)[] | (number | null)[][]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    const pshape = normAxes(this.params, shape, this.label).map((a) => {
      const d = shape[a];
      if (d == null) throw new ShapeError(`${this.label}: axis ${a} of the input must have a known size; got shape [${shape.join(', ')}].`);
      return d;
    });
    if (this.params.elementwiseAffine) this.gamma = this.weight('gamma', pshape, 1);
    if (this.params.bias) this.beta = this.weight('beta', pshape, 0);
    this.built = true;
  }

  protected forward(x: tf.Tensor, _training: boolean, _kwargs: NormKwargs): tf.Tensor {
    const { epsilon, epsPlacement } = this.params;
    return rmsNorm(x, this.gamma?.read() ?? null, this.beta?.read() ?? null, epsilon, normAxes(this.params, x.shape, this.label), epsPlacement);
  }
}
tf.serialization.registerClass(RmsNorm);

export const rmsNormPlugin = definePlugin({
  ...manifest,
  package: '@tessera/normalization',
  summary: 'RMS normalization over the last axis, ε = 1e-6 inside the square root (or outside), optional bias.',
  paper: { title: 'Root Mean Square Layer Normalization', arxiv: '1910.07467', year: 2019 },
  create: (params) => new RmsNorm(params),
});

import * as tf from '@tensorflow/tfjs-core';
import { checkTensor, definePlugin, ShapeError, z } from '@tessera/core';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { axesExcept, axisField, channelShape, checkSize, countOver, NormLayer, resolveAxis, sizeCheckField, type BaseLayerOptions, type NormKwargs } from './norm-layer.js';

const LABEL = 'normalization "batch-norm"';

/** Batch statistics per channel: mean, biased variance (for normalising) and unbiased variance (for the running estimate). */
export interface BatchMoments {
  /** μ_B, shaped to broadcast against x. */
  mean: tf.Tensor;
  /** σ²_B = mean((x − μ_B)²), biased, shaped to broadcast against x. */
  variance: tf.Tensor;
  /** σ²_B · n/(n − 1), `[C]`. */
  unbiased: tf.Tensor;
}

/**
 * Per-channel batch statistics over every axis of `x` except `axis`. With `mask` (boolean, the
 * shape of `x` without the channel axis, `true` = a real token), only masked-in positions count.
 * A mask with fewer than two real positions gives a finite but meaningless estimate (n − 1 is
 * clamped to 1, n to 1): PyTorch raises there.
 */
export function batchMoments(x: tf.Tensor, axis: number, mask?: tf.Tensor): BatchMoments {
  return tf.tidy(() => {
    const reduce = axesExcept(x.rank, axis);
    const c = x.shape[axis]!;
    if (!mask) {
      const n = countOver(x.shape, reduce);
      const m0 = tf.mean(x, reduce, true);
      const d0 = tf.sub(x, m0);
      const corr = tf.mean(d0, reduce, true);
      const variance = tf.mean(tf.square(tf.sub(d0, corr)), reduce, true);
      return { mean: tf.add(m0, corr), variance, unbiased: tf.reshape(tf.mul(variance, n / Math.max(n - 1, 1)), [c]) };
    }
    const w = tf.expandDims(tf.cast(mask, 'float32'), axis); // [..., 1, ...]: broadcasts over channels
    const n = tf.maximum(tf.sum(w), 1);
    const mean = tf.div(tf.sum(tf.mul(x, w), reduce, true), n);
    const variance = tf.div(tf.sum(tf.mul(tf.square(tf.sub(x, mean)), w), reduce, true), n);
    const unbiased = tf.reshape(tf.mul(variance, tf.div(n, tf.maximum(tf.sub(n, 1), 1))), [c]);
    return { mean, variance, unbiased };
  });
}

/**
 * Batch normalization, the functional form: y = γ ⊙ (x − μ)/√(σ² + ε) + β per channel.
 * With `stats` (running mean and variance, `[C]`) it is the inference form; without, it
 * normalises with the batch statistics (biased variance), as `F.batch_norm(training=True)`.
 *
 * @param x channels-last input, e.g. `[B, C]`, `[B, T, C]`, `[B, H, W, C]`
 * @param gamma `[C]` or null; @param beta `[C]` or null
 * @param stats running `{ mean, variance }` (`[C]`), or null for batch statistics
 * @param axis the channel axis (default −1)
 * @see https://arxiv.org/abs/1502.03167
 */
export function batchNorm(
  x: tf.Tensor,
  gamma: tf.Tensor | null = null,
  beta: tf.Tensor | null = null,
  stats: { mean: tf.Tensor; variance: tf.Tensor } | null = null,
  epsilon = 1e-5,
  axis = -1,
): tf.Tensor {
  checkTensor(x, 'x', LABEL, { dtype: 'float32' });
  return tf.tidy(() => {
    const ax = resolveAxis(axis, x.rank, LABEL);
    const c = x.shape[ax]!;
    const shape = channelShape(x.rank, ax, c);
    let mean: tf.Tensor;
    let variance: tf.Tensor;
    if (stats) {
      mean = tf.reshape(checkTensor(stats.mean, 'stats.mean', LABEL, { shape: [c] }), shape);
      variance = tf.reshape(checkTensor(stats.variance, 'stats.variance', LABEL, { shape: [c] }), shape);
    } else {
      ({ mean, variance } = batchMoments(x, ax));
    }
    return affine(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon))), gamma, beta, shape, c);
  });
}

/** γ ⊙ z + β with per-channel γ, β reshaped to `shape`. */
export function affine(z: tf.Tensor, gamma: tf.Tensor | null, beta: tf.Tensor | null, shape: number[], c: number): tf.Tensor {
  let y = z;
  if (gamma) y = tf.mul(y, tf.reshape(checkTensor(gamma, 'gamma', LABEL, { shape: [c] }), shape));
  if (beta) y = tf.add(y, tf.reshape(checkTensor(beta, 'beta', LABEL, { shape: [c] }), shape));
  return y;
}

export const batchNormParams = z.strictObject({
  epsilon: z.number().positive().max(1).default(1e-5).describe('Added to the variance inside the square root (PyTorch 1e-5; Keras 1e-3).'),
  momentum: z
    .number()
    .min(0)
    .max(1)
    .nullable()
    .default(0.1)
    .describe('Weight of the new batch statistic in the running estimates (PyTorch convention; Keras 0.99 is 1 − this). null: cumulative average.'),
  affine: z.boolean().default(true).describe('Learn per-channel γ (init 1) and β (init 0).'),
  trackRunningStats: z.boolean().default(true).describe('Keep running mean/variance for inference; if false, batch statistics are used in both modes.'),
  axis: axisField(-1, 'The channel axis (channels-last: −1).'),
  numFeatures: sizeCheckField('Number of channels C'),
});
export type BatchNormParams = z.output<typeof batchNormParams>;

/**
 * The shared machinery of the batch-statistics layers: per-channel γ, β, running mean and
 * unbiased running variance (PyTorch's momentum convention), `num_batches_tracked` when
 * `momentum` is null (cumulative average).
 */
/** The hyperparameters {@link RunningStatsLayer} reads. */
export interface RunningStatsParams {
  epsilon: number;
  momentum: number | null;
  affine: boolean;
  axis: number;
  trackRunningStats?: boolean;
  numFeatures?: number | null;
}

export abstract class RunningStatsLayer<P extends RunningStatsParams> extends NormLayer<P> {
  gamma?: LayerVariable;
  beta?: LayerVariable;
  runningMean?: LayerVariable;
  runningVar?: LayerVariable;
  numBatchesTracked?: LayerVariable;

  /** Number of channels, known after build. */
  protected channels = 0;
  protected channelAxis = -1;

  override build(inputShape: (number | null)[] | (number | null)[][]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    this.channelAxis = resolveAxis(this.params.axis, shape.length, this.label);
    const c = shape[this.channelAxis];
    if (c == null) throw new ShapeError(`${this.label}: the channel axis ${this.channelAxis} must have a known size; got [${shape.join(', ')}].`);
    checkSize(this.params.numFeatures, c, 'numFeatures', this.label);
    this.channels = c;
    if (this.params.affine) {
      this.gamma = this.weight('gamma', [c], 1);
      this.beta = this.weight('beta', [c], 0);
    }
    if (this.params.trackRunningStats !== false) {
      this.runningMean = this.weight('running_mean', [c], 0, false);
      this.runningVar = this.weight('running_var', [c], 1, false);
      if (this.params.momentum === null) this.numBatchesTracked = this.weight('num_batches_tracked', [1], 0, false);
    }
    this.built = true;
  }

  /** μ̂ ← (1 − m)μ̂ + m·μ_B, σ̂² ← (1 − m)σ̂² + m·σ²_B·n/(n − 1); m = 1/t when momentum is null. */
  protected updateRunning(mean: tf.Tensor, unbiased: tf.Tensor): void {
    if (!this.runningMean || !this.runningVar) return;
    const c = this.channels;
    tf.tidy(() => {
      let m: tf.Tensor | number;
      if (this.params.momentum === null) {
        const t = tf.add(this.numBatchesTracked!.read(), 1);
        this.numBatchesTracked!.write(t);
        m = tf.div(1, t);
      } else {
        m = this.params.momentum;
      }
      const mix = (v: LayerVariable, value: tf.Tensor) =>
        v.write(tf.add(tf.mul(v.read(), tf.sub(1, m)), tf.mul(tf.reshape(value, [c]), m)));
      mix(this.runningMean!, mean);
      mix(this.runningVar!, unbiased);
    });
  }

  /** The running statistics shaped `[C]`, or null when they are not tracked. */
  protected running(): { mean: tf.Tensor; variance: tf.Tensor } | null {
    return this.runningMean && this.runningVar ? { mean: this.runningMean.read(), variance: this.runningVar.read() } : null;
  }

  /** Normalises with given (broadcastable) mean and variance and applies γ, β. */
  protected normalise(x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor): tf.Tensor {
    const shape = channelShape(x.rank, this.channelAxis, this.channels);
    const z = tf.mul(tf.sub(x, tf.reshape(mean, shape)), tf.rsqrt(tf.add(tf.reshape(variance, shape), this.params.epsilon)));
    return affine(z, this.gamma?.read() ?? null, this.beta?.read() ?? null, shape, this.channels);
  }

  /** Throws PyTorch's error when a channel has a single value in training. */
  protected requireMoreThanOne(x: tf.Tensor): void {
    const n = countOver(x.shape, axesExcept(x.rank, this.channelAxis));
    if (n < 2) {
      throw new ShapeError(`${this.label}: expected more than 1 value per channel when training; got input shape [${x.shape.join(', ')}].`);
    }
  }
}

const manifest = { kind: 'normalization', name: 'batch-norm', params: batchNormParams } as const;

/**
 * Batch normalization (Ioffe & Szegedy 2015) with PyTorch semantics, channels-last.
 *
 * Notation: x `[B, …, C]`, statistics over every axis but the channel axis, n values per channel.
 * Training: y = γ ⊙ (x − μ_B)/√(σ²_B + ε) + β with the biased σ²_B;
 *   μ̂ ← (1 − m)μ̂ + m·μ_B, σ̂² ← (1 − m)σ̂² + m·σ²_B·n/(n − 1) (m = 0.1; init μ̂ = 0, σ̂² = 1).
 * Inference: y = γ ⊙ (x − μ̂)/√(σ̂² + ε) + β.
 *
 * Differences: `tf.layers.batchNormalization` uses momentum 0.99 on the old value, ε = 1e-3 and
 * the biased variance in its moving average; this layer follows `nn.BatchNorm1d/2d` exactly.
 *
 * @see https://arxiv.org/abs/1502.03167
 */
export class BatchNorm extends RunningStatsLayer<BatchNormParams> {
  static readonly className = 'TesseraBatchNorm';
  protected readonly ranks = [2, 3, 4, 5];

  constructor(config: Partial<BatchNormParams> & BaseLayerOptions = {}) {
    super(manifest, config as Record<string, unknown>);
  }

  protected forward(x: tf.Tensor, training: boolean, _kwargs: NormKwargs): tf.Tensor {
    const running = this.running();
    if (!training && running) return this.normalise(x, running.mean, running.variance);
    if (training) this.requireMoreThanOne(x);
    const { mean, variance, unbiased } = batchMoments(x, this.channelAxis);
    if (training) this.updateRunning(mean, unbiased);
    return this.normalise(x, mean, variance);
  }
}
tf.serialization.registerClass(BatchNorm);

export const batchNormPlugin = definePlugin({
  ...manifest,
  package: '@tessera/normalization',
  summary: 'Batch normalization with PyTorch semantics: momentum 0.1 on the new statistic, unbiased running variance, ε = 1e-5.',
  paper: { title: 'Batch Normalization: Accelerating Deep Network Training by Reducing Internal Covariate Shift', arxiv: '1502.03167', year: 2015 },
  create: (params) => new BatchNorm(params),
});

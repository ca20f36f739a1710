import * as tf from '@tensorflow/tfjs-core';
import { checkTensor, definePlugin, z } from '@tessera/core';
import { affine, RunningStatsLayer } from './batch-norm.js';
import { centred, channelShape, sizeCheckField, type BaseLayerOptions, type NormKwargs } from './norm-layer.js';

const LABEL = 'normalization "instance-norm"';

/** Per-sample, per-channel mean, biased variance over the positions of x `[B, …S, C]` (keepDims). */
function instanceMoments(x: tf.Tensor): { xc: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor; n: number } {
  const axes = Array.from({ length: x.rank - 2 }, (_, i) => i + 1);
  return { ...centred(x, axes), n: x.size / (x.shape[0]! * x.shape[x.rank - 1]!) };
}

/**
 * Instance normalization, the functional form (channels-last): every sample and channel is
 * normalised over its positions, y = γ ⊙ (x − μ_bc)/√(σ²_bc + ε) + β. Equal to `F.instance_norm`
 * on the channels-first input.
 *
 * @param x `[B, T, C]` or `[B, H, W, C]`
 * @see https://arxiv.org/abs/1607.08022
 */
export function instanceNorm(x: tf.Tensor, gamma: tf.Tensor | null = null, beta: tf.Tensor | null = null, epsilon = 1e-5): tf.Tensor {
  checkTensor(x, 'x', LABEL, { dtype: 'float32', rank: [3, 4, 5] });
  return tf.tidy(() => {
    const { xc, variance } = instanceMoments(x);
    const c = x.shape[x.rank - 1]!;
    return affine(tf.mul(xc, tf.rsqrt(tf.add(variance, epsilon))), gamma, beta, channelShape(x.rank, x.rank - 1, c), c);
  });
}

export const instanceNormParams = z.strictObject({
  epsilon: z.number().positive().max(1).default(1e-5).describe('Added to the variance inside the square root (PyTorch 1e-5).'),
  momentum: z.number().min(0).max(1).nullable().default(0.1).describe('Weight of the new statistic in the running estimates (only with trackRunningStats); null: cumulative average.'),
  affine: z.boolean().default(false).describe('Learn per-channel γ and β (PyTorch default false).'),
  trackRunningStats: z.boolean().default(false).describe('Keep running statistics and use them in inference (PyTorch default false: instance statistics in both modes).'),
  axis: z.literal(-1).default(-1).describe('The channel axis: always the last (channels-last).'),
  numFeatures: sizeCheckField('Number of channels C'),
});
export type InstanceNormParams = z.output<typeof instanceNormParams>;

const manifest = { kind: 'normalization', name: 'instance-norm', params: instanceNormParams } as const;

/**
 * Instance normalization (Ulyanov et al. 2016), channels-last, with PyTorch's options.
 *
 * Notation: x `[B, …S, C]`, n = |S| positions. ẑ = (x − μ_bc)/√(σ²_bc + ε) per sample b and
 * channel c; y = γ ⊙ ẑ + β. With `trackRunningStats`, training also updates
 * μ̂ ← (1 − m)μ̂ + m·mean_b μ_bc, σ̂² ← (1 − m)σ̂² + m·mean_b σ²_bc·n/(n − 1), and inference
 * uses them (as `nn.InstanceNorm*d(track_running_stats=True)`).
 *
 * @see https://arxiv.org/abs/1607.08022
 */
export class InstanceNorm extends RunningStatsLayer<InstanceNormParams> {
  static readonly className = 'TesseraInstanceNorm';
  protected readonly ranks = [3, 4, 5];

  constructor(config: Partial<InstanceNormParams> & BaseLayerOptions = {}) {
    super(manifest, config as Record<string, unknown>);
  }

  protected forward(x: tf.Tensor, training: boolean, _kwargs: NormKwargs): tf.Tensor {
    const running = this.running();
    const c = this.channels;
    const shape = channelShape(x.rank, x.rank - 1, c);
    if (!training && running) return this.normalise(x, running.mean, running.variance);
    const { xc, mean, variance, n } = instanceMoments(x);
    if (training && running) {
      const meanB = tf.mean(tf.reshape(mean, [-1, c]), 0);
      const varB = tf.mul(tf.mean(tf.reshape(variance, [-1, c]), 0), n / Math.max(n - 1, 1));
      this.updateRunning(meanB, varB);
    }
    return affine(tf.mul(xc, tf.rsqrt(tf.add(variance, this.params.epsilon))), this.gamma?.read() ?? null, this.beta?.read() ?? null, shape, c);
  }
}
tf.serialization.registerClass(InstanceNorm);

export const instanceNormPlugin = definePlugin({
  ...manifest,
  package: '@tessera/normalization',
  summary: 'Instance normalization (channels-last): per-sample, per-channel statistics over positions; PyTorch options.',
  paper: { title: 'Instance Normalization: The Missing Ingredient for Fast Stylization', arxiv: '1607.08022', year: 2016 },
  create: (params) => new InstanceNorm(params),
});

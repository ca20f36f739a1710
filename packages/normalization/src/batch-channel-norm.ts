import * as tf from '@tensorflow/tfjs-core';
import { checkTensor, definePlugin, ShapeError, z } from '@tessera/core';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { affine, batchMoments } from './batch-norm.js';
import { groupStandardize } from './group-norm.js';
import { axesExcept, channelShape, countOver, NormLayer, type BaseLayerOptions, type NormKwargs } from './norm-layer.js';

const LABEL = 'normalization "batch-channel-norm"';

/** γ_g, β_g `[G]` applied to every channel of their group of x `[B, …S, C]`. */
function groupAffine(x: tf.Tensor, numGroups: number, gamma: tf.Tensor | null, beta: tf.Tensor | null): tf.Tensor {
  const c = x.shape[x.rank - 1]!;
  const g = tf.reshape(x, [x.shape[0]!, -1, numGroups, c / numGroups]); // [B, S, G, C/G]
  let y = g;
  if (gamma) y = tf.mul(y, tf.reshape(gamma, [1, 1, numGroups, 1]));
  if (beta) y = tf.add(y, tf.reshape(beta, [1, 1, numGroups, 1]));
  return tf.reshape(y, x.shape);
}

/**
 * Batch-channel normalization, the functional form: a per-channel batch normalisation with the
 * given statistics (`stats`, `[C]`; or the batch's own when null) and per-channel affine, then
 * a per-sample group standardisation over (positions, C/G), then a per-group affine γ_g, β_g `[G]`.
 *
 * @param x `[B, C]`, `[B, T, C]` or `[B, H, W, C]`
 * @see https://arxiv.org/abs/1903.10520
 */
export function batchChannelNorm(
  x: tf.Tensor,
  numGroups: number,
  stats: { mean: tf.Tensor; variance: tf.Tensor } | null = null,
  bnGamma: tf.Tensor | null = null,
  bnBeta: tf.Tensor | null = null,
  gamma: tf.Tensor | null = null,
  beta: tf.Tensor | null = null,
  epsilon = 1e-5,
): tf.Tensor {
  checkTensor(x, 'x', LABEL, { dtype: 'float32', rank: [2, 3, 4, 5] });
  const c = x.shape[x.rank - 1]!;
  if (c % numGroups !== 0) throw new ShapeError(`${LABEL}: the ${c} channels must divide into numGroups = ${numGroups} groups.`);
  return tf.tidy(() => {
    const shape = channelShape(x.rank, x.rank - 1, c);
    const { mean, variance } = stats
      ? { mean: tf.reshape(stats.mean, shape), variance: tf.reshape(stats.variance, shape) }
      : batchMoments(x, x.rank - 1);
    const bn = affine(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon))), bnGamma, bnBeta, shape, c);
    return groupAffine(groupStandardize(bn, numGroups, epsilon, LABEL), numGroups, gamma, beta);
  });
}

export const batchChannelNormParams = z.strictObject({
  numGroups: z.number().int().min(1).max(65536).default(32).describe('Groups G of the channel (group) normalisation and of the per-group affine; must divide C (official 32).'),
  epsilon: z.number().positive().max(1).default(1e-5).describe('ε of both the batch part and the group part (official 1e-5).'),
  momentum: z.number().min(0).max(1).default(0.1).describe('Batch part: weight of the new batch statistic in the running estimates (nn.BatchNorm2d, PyTorch convention).'),
  estimate: z.boolean().default(false).describe('Micro-batch mode (official EstBN): normalise with estimated running statistics in training too, updated without gradient.'),
  estimateMovingSpeed: z
    .number()
    .min(0)
    .max(1)
    .default(0)
    .describe('EstBN moving speed r (official buffer `estbn_moving_speed`, 0 = frozen statistics; the training scripts set it).'),
});
export type BatchChannelNormParams = z.output<typeof batchChannelNormParams>;

const manifest = { kind: 'normalization', name: 'batch-channel-norm', params: batchChannelNormParams } as const;

/**
 * Batch-Channel Normalization (Qiao et al. 2019, with Weight Standardization), channels-last,
 * following the official `BCNorm` / `EstBN` (joe-siyuan-qiao/Batch-Channel-Normalization).
 *
 * Notation: x `[B, …S, C]`, G groups. y = GroupAffine(GN(BN(x))):
 *  BN: per-channel batch norm with γ_c, β_c (`bn_gamma`, `bn_beta`) — PyTorch BatchNorm in the
 *      default mode; with `estimate`, EstBN: under stop-gradient μ̂ ← (1 − r)μ̂ + r·mean_B(x),
 *      σ̂² ← (1 − r)σ̂² + r·mean_B((x − μ̂_old)²), and x is normalised with the updated μ̂, σ̂² in
 *      training and inference.
 *  GN: per-sample standardisation over (S, C/G), biased variance, ε, no affine.
 *  GroupAffine: γ_g, β_g per group (`gamma`, `beta`, shape `[G]`).
 *
 * @see https://arxiv.org/abs/1903.10520
 */
export class BatchChannelNorm extends NormLayer<BatchChannelNormParams> {
  static readonly className = 'TesseraBatchChannelNorm';
  protected readonly ranks = [2, 3, 4, 5];
  bnGamma?: LayerVariable;
  bnBeta?: LayerVariable;
  runningMean?: LayerVariable;
  runningVar?: LayerVariable;
  gamma?: LayerVariable;
  beta?: LayerVariable;

  constructor(config: Partial<BatchChannelNormParams> & BaseLayerOptions = {}) {
    super(manifest, config as Record<string, unknown>);
  }

  override build(inputShape: (number | null)[] | (number | null)[][]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    const c = shape[shape.length - 1];
    const g = this.params.numGroups;
    if (c == null) throw new ShapeError(`${this.label}: the channel axis must have a known size; got [${shape.join(', ')}].`);
    if (c % g !== 0) throw new ShapeError(`${this.label}: the ${c} channels must divide into numGroups = ${g} groups.`);
    this.bnGamma = this.weight('bn_gamma', [c], 1);
    this.bnBeta = this.weight('bn_beta', [c], 0);
    this.gamma = this.weight('gamma', [g], 1);
    this.beta = this.weight('beta', [g], 0);
    this.runningMean = this.weight('running_mean', [c], 0, false);
    this.runningVar = this.weight('running_var', [c], 1, false);
    this.built = true;
  }

  protected forward(x: tf.Tensor, training: boolean, _kwargs: NormKwargs): tf.Tensor {
    const { numGroups, epsilon, momentum, estimate, estimateMovingSpeed: r } = this.params;
    const c = x.shape[x.rank - 1]!;
    const rm = this.runningMean!;
    const rv = this.runningVar!;
    let stats: { mean: tf.Tensor; variance: tf.Tensor } | null = { mean: rm.read(), variance: rv.read() };
    if (training && estimate) {
      const axes = axesExcept(x.rank, x.rank - 1);
      const mean = tf.reshape(tf.mean(x, axes), [c]);
      const dev = tf.reshape(tf.mean(tf.square(tf.sub(x, tf.reshape(rm.read(), channelShape(x.rank, x.rank - 1, c)))), axes), [c]);
      rm.write(tf.add(tf.mul(rm.read(), 1 - r), tf.mul(mean, r)));
      rv.write(tf.add(tf.mul(rv.read(), 1 - r), tf.mul(dev, r)));
      stats = { mean: tf.clone(rm.read()), variance: tf.clone(rv.read()) };
    } else if (training) {
      const n = countOver(x.shape, axesExcept(x.rank, x.rank - 1));
      if (n < 2) throw new ShapeError(`${this.label}: expected more than 1 value per channel when training; got [${x.shape.join(', ')}].`);
      const { unbiased, mean } = batchMoments(x, x.rank - 1);
      rm.write(tf.add(tf.mul(rm.read(), 1 - momentum), tf.mul(tf.reshape(mean, [c]), momentum)));
      rv.write(tf.add(tf.mul(rv.read(), 1 - momentum), tf.mul(unbiased, momentum)));
      stats = null; // normalise with the batch statistics
    }
    return batchChannelNorm(x, numGroups, stats, this.bnGamma!.read(), this.bnBeta!.read(), this.gamma!.read(), this.beta!.read(), epsilon);
  }
}
tf.serialization.registerClass(BatchChannelNorm);

export const batchChannelNormPlugin = definePlugin({
  ...manifest,
  package: '@tessera/normalization',
  summary: 'Batch-Channel Normalization: batch norm, then per-sample group standardisation with a per-group affine (optional EstBN micro-batch mode).',
  paper: { title: 'Micro-Batch Training with Batch-Channel Normalization and Weight Standardization', arxiv: '1903.10520', year: 2019 },
  create: (params) => new BatchChannelNorm(params),
});

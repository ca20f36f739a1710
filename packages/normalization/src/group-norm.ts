import * as tf from '@tensorflow/tfjs-core';
import { checkTensor, definePlugin, ShapeError, z } from '@tessera/core';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { affine } from './batch-norm.js';
import { centred, channelShape, checkSize, NormLayer, sizeCheckField, type BaseLayerOptions, type NormKwargs } from './norm-layer.js';

const LABEL = 'normalization "group-norm"';

/**
 * Standardises each sample over groups of channels: x `[B, …S, C]` is viewed as
 * `[B, S, G, C/G]` and normalised over (S, C/G) with the biased variance. No affine.
 */
export function groupStandardize(x: tf.Tensor, numGroups: number, epsilon: number, label = LABEL): tf.Tensor {
  const c = x.shape[x.rank - 1]!;
  if (c % numGroups !== 0) throw new ShapeError(`${label}: the ${c} channels must divide into numGroups = ${numGroups} groups.`);
  return tf.tidy(() => {
    const b = x.shape[0]!;
    const s = x.size / (b * c);
    const g = tf.reshape(x, [b, s, numGroups, c / numGroups]); // [B, S, G, C/G]
    const { xc, variance } = centred(g, [1, 3]);
    return tf.reshape(tf.mul(xc, tf.rsqrt(tf.add(variance, epsilon))), x.shape);
  });
}

/**
 * Group normalization, the functional form (channels-last): per sample, the C channels are split
 * into G groups and each group is normalised over its channels and all spatial positions;
 * then y = γ ⊙ ẑ + β per channel. Equal to `F.group_norm` on the channels-first input.
 *
 * @param x `[B, C]`, `[B, T, C]` or `[B, H, W, C]`
 * @param numGroups G, must divide C
 * @param gamma `[C]` or null; @param beta `[C]` or null
 * @see https://arxiv.org/abs/1803.08494
 */
export function groupNorm(x: tf.Tensor, numGroups: number, gamma: tf.Tensor | null = null, beta: tf.Tensor | null = null, epsilon = 1e-5): tf.Tensor {
  checkTensor(x, 'x', LABEL, { dtype: 'float32', rank: [2, 3, 4, 5] });
  return tf.tidy(() => {
    const c = x.shape[x.rank - 1]!;
    return affine(groupStandardize(x, numGroups, epsilon), gamma, beta, channelShape(x.rank, x.rank - 1, c), c);
  });
}

export const groupNormParams = z.strictObject({
  numGroups: z.number().int().min(1).max(65536).default(32).describe('Number of groups G the channels are split into; must divide C (PyTorch requires it; 32 as in the paper).'),
  epsilon: z.number().positive().max(1).default(1e-5).describe('Added to the group variance inside the square root (PyTorch 1e-5).'),
  affine: z.boolean().default(true).describe('Learn per-channel γ (init 1) and β (init 0).'),
  numChannels: sizeCheckField('Number of channels C'),
});
export type GroupNormParams = z.output<typeof groupNormParams>;

const manifest = { kind: 'normalization', name: 'group-norm', params: groupNormParams } as const;

/**
 * Group normalization (Wu & He 2018), channels-last.
 *
 * Notation: x `[B, …S, C]`, G groups of C/G channels. Per sample and group:
 * ẑ = (x − μ_g)/√(σ²_g + ε) over (S, C/G); y = γ ⊙ ẑ + β per channel. Same in training and
 * inference. G = 1 is layer norm over (S, C); G = C is instance norm.
 *
 * Differences: PyTorch is channels-first (`nn.GroupNorm(G, C)`), this layer channels-last; the
 * statistics are the same.
 *
 * @see https://arxiv.org/abs/1803.08494
 */
export class GroupNorm extends NormLayer<GroupNormParams> {
  static readonly className = 'TesseraGroupNorm';
  protected readonly ranks = [2, 3, 4, 5];
  gamma?: LayerVariable;
  beta?: LayerVariable;

  constructor(config: Partial<GroupNormParams> & BaseLayerOptions = {}) {
    super(manifest, config as Record<string, unknown>);
  }

  override build(inputShape: (number | null)[] | (number | null)[][]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    const c = shape[shape.length - 1];
    if (c == null) throw new ShapeError(`${this.label}: the channel axis must have a known size; got [${shape.join(', ')}].`);
    checkSize(this.params.numChannels, c, 'numChannels', this.label);
    if (c % this.params.numGroups !== 0) throw new ShapeError(`${this.label}: the ${c} channels must divide into numGroups = ${this.params.numGroups} groups.`);
    if (this.params.affine) {
      this.gamma = this.weight('gamma', [c], 1);
      this.beta = this.weight('beta', [c], 0);
    }
    this.built = true;
  }

  protected forward(x: tf.Tensor, _training: boolean, _kwargs: NormKwargs): tf.Tensor {
    return groupNorm(x, this.params.numGroups, this.gamma?.read() ?? null, this.beta?.read() ?? null, this.params.epsilon);
  }
}
tf.serialization.registerClass(GroupNorm);

export const groupNormPlugin = definePlugin({
  ...manifest,
  package: '@tessera/normalization',
  summary: 'Group normalization (channels-last): per-sample statistics over groups of channels and all positions.',
  paper: { title: 'Group Normalization', arxiv: '1803.08494', year: 2018 },
  create: (params) => new GroupNorm(params),
});

import * as tf from '@tensorflow/tfjs-core';
import { checkTensor, definePlugin, ShapeError, z } from '@tessera/core';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { affine } from './batch-norm.js';
import { centred, channelShape, NormLayer, type BaseLayerOptions, type NormKwargs } from './norm-layer.js';

const LABEL = 'normalization "evonorm-s0"';

/** Per-sample group standard deviation √(Var_{S, C/G}(x) + ε), broadcast back to x `[B, …S, C]`. */
export function groupStd(x: tf.Tensor, numGroups: number, epsilon: number, label = LABEL): tf.Tensor {
  const c = x.shape[x.rank - 1]!;
  if (c % numGroups !== 0) throw new ShapeError(`${label}: the ${c} channels must divide into ${numGroups} groups.`);
  return tf.tidy(() => {
    const b = x.shape[0]!;
    const g = tf.reshape(x, [b, -1, numGroups, c / numGroups]); // [B, S, G, C/G]
    const std = tf.sqrt(tf.add(centred(g, [1, 3]).variance, epsilon)); // [B, 1, G, 1]
    return tf.reshape(tf.broadcastTo(std, g.shape), x.shape);
  });
}

/**
 * EvoNorm-S0, the functional form: y = x ⊙ sigmoid(v ⊙ x) / √(Var_group(x) + ε) ⊙ γ + β, the
 * group variance per sample over (positions, C/G), biased.
 *
 * @param x `[B, T, C]` or `[B, H, W, C]`
 * @see https://arxiv.org/abs/2004.02967
 */
export function evoNormS0(x: tf.Tensor, numGroups: number, v: tf.Tensor, gamma: tf.Tensor | null = null, beta: tf.Tensor | null = null, epsilon = 1e-5): tf.Tensor {
  checkTensor(x, 'x', LABEL, { dtype: 'float32', rank: [2, 3, 4, 5] });
  const c = x.shape[x.rank - 1]!;
  checkTensor(v, 'v', LABEL, { shape: [c] });
  return tf.tidy(() => {
    const shape = channelShape(x.rank, x.rank - 1, c);
    const act = tf.mul(x, tf.sigmoid(tf.mul(x, tf.reshape(v, shape))));
    return affine(tf.div(act, groupStd(x, numGroups, epsilon)), gamma, beta, shape, c);
  });
}

export const evoNormS0Params = z.strictObject({
  numGroups: z.number().int().min(1).max(65536).default(32).describe('Groups G for the group variance; must divide C (timm groups 32).'),
  groupSize: z.number().int().min(1).max(65536).nullable().default(null).describe('Channels per group; when set, G = C / groupSize (timm group_size).'),
  epsilon: z.number().positive().max(1).default(1e-5).describe('Added to the group variance inside the square root (timm 1e-5).'),
  applyAct: z.boolean().default(true).describe('Apply the normalisation-activation; false leaves only γ ⊙ x + β (timm apply_act).'),
});
export type EvoNormS0Params = z.output<typeof evoNormS0Params>;

const manifest = { kind: 'normalization', name: 'evonorm-s0', params: evoNormS0Params } as const;

/**
 * EvoNorm-S0 (Liu et al. 2020), the batch-independent normalisation-activation layer, as timm's
 * `EvoNorm2dS0`, channels-last.
 *
 * Notation: x `[B, …S, C]`, G groups, v, γ, β per channel (init 1, 1, 0).
 * y = x ⊙ sigmoid(v ⊙ x) / √(Var_{S,C/G}(x) + ε) ⊙ γ + β. Same in training and inference.
 *
 * @see https://arxiv.org/abs/2004.02967
 */
export class EvoNormS0 extends NormLayer<EvoNormS0Params> {
  static readonly className = 'TesseraEvoNormS0';
  protected readonly ranks = [2, 3, 4, 5];
  gamma?: LayerVariable;
  beta?: LayerVariable;
  v?: LayerVariable;

  constructor(config: Partial<EvoNormS0Params> & BaseLayerOptions = {}) {
    super(manifest, config as Record<string, unknown>);
  }

  /** G for `c` channels. */
  groupsFor(c: number): number {
    const { groupSize, numGroups } = this.params;
    if (groupSize !== null) {
      if (c % groupSize !== 0) throw new ShapeError(`${this.label}: the ${c} channels must divide into groups of groupSize = ${groupSize}.`);
      return c / groupSize;
    }
    if (c % numGroups !== 0) throw new ShapeError(`${this.label}: the ${c} channels must divide into numGroups = ${numGroups} groups.`);
    return numGroups;
  }

  override build(inputShape: (number | null)[] | (number | null)[][]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    const c = shape[shape.length - 1];
    if (c == null) throw new ShapeError(`${this.label}: the channel axis must have a known size; got [${shape.join(', ')}].`);
    this.groupsFor(c);
    this.gamma = this.weight('gamma', [c], 1);
    this.beta = this.weight('beta', [c], 0);
    if (this.params.applyAct) this.v = this.weight('v', [c], 1);
    this.built = true;
  }

  protected forward(x: tf.Tensor, _training: boolean, _kwargs: NormKwargs): tf.Tensor {
    const c = x.shape[x.rank - 1]!;
    if (!this.params.applyAct) return affine(x, this.gamma!.read(), this.beta!.read(), channelShape(x.rank, x.rank - 1, c), c);
    return evoNormS0(x, this.groupsFor(c), this.v!.read(), this.gamma!.read(), this.beta!.read(), this.params.epsilon);
  }
}
tf.serialization.registerClass(EvoNormS0);

export const evoNormS0Plugin = definePlugin({
  ...manifest,
  package: '@tessera/normalization',
  summary: 'EvoNorm-S0: x·sigmoid(v·x) / group std · γ + β, batch-independent (timm).',
  paper: { title: 'Evolving Normalization-Activation Layers', arxiv: '2004.02967', year: 2020 },
  create: (params) => new EvoNormS0(params),
});

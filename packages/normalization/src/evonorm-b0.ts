import * as tf from '@tensorflow/tfjs-core';
import { checkTensor, definePlugin, ShapeError, z } from '@tessera/core';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { affine } from './batch-norm.js';
import { centred, channelShape, countOver, NormLayer, type BaseLayerOptions, type NormKwargs } from './norm-layer.js';

const LABEL = 'normalization "evonorm-b0"';

/** Axes of the positions of x `[B, …S, C]`. */
export const positionAxes = (rank: number): number[] => Array.from({ length: rank - 2 }, (_, i) => i + 1);

/**
 * EvoNorm-B0, the functional form: y = x / max(√(σ²_b + ε), v ⊙ x + √(Var_S(x) + ε)) ⊙ γ + β,
 * with σ²_b `[C]` the batch variance (training) or the running variance (inference) and Var_S the
 * per-sample, per-channel variance over positions (biased).
 *
 * @param x `[B, T, C]` or `[B, H, W, C]`
 * @param batchVar σ²_b `[C]`
 * @see https://arxiv.org/abs/2004.02967
 */
export function evoNormB0(x: tf.Tensor, batchVar: tf.Tensor, v: tf.Tensor, gamma: tf.Tensor | null = null, beta: tf.Tensor | null = null, epsilon = 1e-3): tf.Tensor {
  checkTensor(x, 'x', LABEL, { dtype: 'float32', rank: [3, 4, 5] });
  const c = x.shape[x.rank - 1]!;
  checkTensor(batchVar, 'batchVar', LABEL, { shape: [c] });
  checkTensor(v, 'v', LABEL, { shape: [c] });
  return tf.tidy(() => {
    const shape = channelShape(x.rank, x.rank - 1, c);
    // tfjs' Maximum gradient does not reduce broadcast axes: broadcast explicitly
    const left = tf.broadcastTo(tf.reshape(tf.sqrt(tf.add(batchVar, epsilon)), shape), x.shape);
    const instStd = tf.sqrt(tf.add(centred(x, positionAxes(x.rank)).variance, epsilon));
    const right = tf.add(tf.mul(x, tf.reshape(v, shape)), instStd);
    return affine(tf.div(x, tf.maximum(left, right)), gamma, beta, shape, c);
  });
}

export const evoNormB0Params = z.strictObject({
  epsilon: z.number().positive().max(1).default(1e-3).describe('Added inside both square roots (timm 1e-3; the paper 1e-5).'),
  momentum: z.number().min(0).max(1).default(0.1).describe('Weight of the new batch variance in the running variance (PyTorch convention).'),
  applyAct: z.boolean().default(true).describe('Apply the normalisation-activation; false leaves only γ ⊙ x + β (timm apply_act).'),
});
export type EvoNormB0Params = z.output<typeof evoNormB0Params>;

const manifest = { kind: 'normalization', name: 'evonorm-b0', params: evoNormB0Params } as const;

/**
 * EvoNorm-B0 (Liu et al. 2020), the batch-dependent normalisation-activation layer, as timm's
 * `EvoNorm2dB0`, channels-last.
 *
 * Notation: x `[B, …S, C]`, n = B·|S| values per channel, v, γ, β per channel (init 1, 1, 0).
 * Training: σ²_b = Var_{B,S}(x) (biased, differentiated), σ̂² ← (1 − m)σ̂² + m σ²_b·n/(n − 1);
 * inference: σ²_b = σ̂² (init 1). y = x / max(√(σ²_b + ε), v ⊙ x + √(Var_S(x) + ε)) ⊙ γ + β.
 * No running mean (the numerator is not centred).
 *
 * Differences: timm's ε is 1e-3 (default here), the paper's 1e-5. timm is channels-first 2-D
 * only; this layer also takes sequences `[B, T, C]`. At ties of the max, tfjs sends the gradient
 * to the first argument (measure zero).
 *
 * @see https://arxiv.org/abs/2004.02967
 */
export class EvoNormB0 extends NormLayer<EvoNormB0Params> {
  static readonly className = 'TesseraEvoNormB0';
  protected readonly ranks = [3, 4, 5];
  gamma?: LayerVariable;
  beta?: LayerVariable;
  v?: LayerVariable;
  runningVar?: LayerVariable;

  constructor(config: Partial<EvoNormB0Params> & BaseLayerOptions = {}) {
    super(manifest, config as Record<string, unknown>);
  }

  override build(inputShape: (number | null)[] | (number | null)[][]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    const c = shape[shape.length - 1];
    if (c == null) throw new ShapeError(`${this.label}: the channel axis must have a known size; got [${shape.join(', ')}].`);
    this.gamma = this.weight('gamma', [c], 1);
    this.beta = this.weight('beta', [c], 0);
    if (this.params.applyAct) this.v = this.weight('v', [c], 1);
    this.runningVar = this.weight('running_var', [c], 1, false);
    this.built = true;
  }

  protected forward(x: tf.Tensor, training: boolean, _kwargs: NormKwargs): tf.Tensor {
    const c = x.shape[x.rank - 1]!;
    const shape = channelShape(x.rank, x.rank - 1, c);
    if (!this.params.applyAct) return affine(x, this.gamma!.read(), this.beta!.read(), shape, c);
    let batchVar: tf.Tensor = this.runningVar!.read();
    if (training) {
      const axes = [0, ...positionAxes(x.rank)];
      const n = countOver(x.shape, axes);
      if (n < 2) throw new ShapeError(`${this.label}: expected more than 1 value per channel when training; got [${x.shape.join(', ')}].`);
      batchVar = tf.reshape(centred(x, axes).variance, [c]);
      const m = this.params.momentum;
      const rv = this.runningVar!;
      const unbiased = tf.mul(batchVar, n / (n - 1));
      rv.write(tf.add(tf.mul(rv.read(), 1 - m), tf.mul(unbiased, m)));
    }
    return evoNormB0(x, batchVar, this.v!.read(), this.gamma!.read(), this.beta!.read(), this.params.epsilon);
  }
}
tf.serialization.registerClass(EvoNormB0);

export const evoNormB0Plugin = definePlugin({
  ...manifest,
  package: '@tessera/normalization',
  summary: 'EvoNorm-B0: x / max(√(batch var + ε), v·x + instance std) · γ + β, running variance for inference (timm).',
  paper: { title: 'Evolving Normalization-Activation Layers', arxiv: '2004.02967', year: 2020 },
  create: (params) => new EvoNormB0(params),
});

import * as tf from '@tensorflow/tfjs-core';
import { checkTensor, definePlugin, ShapeError, z } from '@tessera/core';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { affine } from './batch-norm.js';
import { channelShape, customGradOp, NormLayer, type BaseLayerOptions, type NormKwargs } from './norm-layer.js';

const LABEL = 'normalization "power-norm"';

/**
 * PowerNorm's `GroupScaling1D`: every position's C channels are split into G groups and each
 * group is divided by its root mean square, x / √(mean_group(x²) + 1e-5) (parameter-free,
 * ordinary autodiff). With G = 1 it is a per-token RMS normalisation without gain.
 */
export function groupScaling(x: tf.Tensor, groupNum: number, epsilon = 1e-5): tf.Tensor {
  const c = x.shape[x.rank - 1]!;
  if (c % groupNum !== 0) throw new ShapeError(`${LABEL}: the ${c} channels must divide into groupNum = ${groupNum} groups.`);
  return tf.tidy(() => {
    const g = tf.reshape(x, [-1, groupNum, c / groupNum]); // [N, G, C/G]
    const m2 = tf.mean(tf.square(g), 2, true);
    return tf.reshape(tf.div(g, tf.sqrt(tf.add(m2, epsilon))), x.shape);
  });
}

/**
 * Per-channel mean of x² over the real positions of x `[…, C]` (`mask` the shape of x without
 * the channel axis, `true` = real). `[C]`. An all-padding batch gives 0 (not NaN).
 */
export function maskedMeanSquare(x: tf.Tensor, mask?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const c = x.shape[x.rank - 1]!;
    const x2 = tf.reshape(tf.square(x), [-1, c]);
    if (!mask) return tf.mean(x2, 0);
    const w = tf.reshape(tf.cast(mask, 'float32'), [-1, 1]);
    return tf.div(tf.sum(tf.mul(x2, w), 0), tf.maximum(tf.sum(w), 1));
  });
}

/** Checks a `[B, T]`-style boolean mask against x `[B, T, C]` (the shape of x without the channel axis). */
export function checkMask(mask: unknown, x: tf.Tensor, label: string): tf.Tensor | undefined {
  if (mask === undefined || mask === null) return undefined;
  const want = x.shape.slice(0, -1);
  return checkTensor(mask, 'mask', label, { shape: want, dtype: 'bool', describe: `[${want.join(', ')}] (true = real token)` });
}

/**
 * PowerNorm's inference form (the functional form; training needs the layer's state):
 * y = γ ⊙ GroupScaling(x)/√(ψ + ε) + β with the running quadratic mean ψ `[C]`.
 *
 * @see https://arxiv.org/abs/2003.07845
 */
export function powerNorm(
  x: tf.Tensor,
  runningPhi: tf.Tensor,
  gamma: tf.Tensor | null = null,
  beta: tf.Tensor | null = null,
  epsilon = 1e-5,
  groupNum = 1,
): tf.Tensor {
  checkTensor(x, 'x', LABEL, { dtype: 'float32', rank: [2, 3] });
  const c = x.shape[x.rank - 1]!;
  checkTensor(runningPhi, 'runningPhi', LABEL, { shape: [c] });
  return tf.tidy(() => {
    const shape = channelShape(x.rank, x.rank - 1, c);
    const z = tf.div(groupScaling(x, groupNum), tf.reshape(tf.sqrt(tf.add(runningPhi, epsilon)), shape));
    return affine(z, gamma, beta, shape, c);
  });
}

export const powerNormParams = z.strictObject({
  epsilon: z.number().positive().max(1).default(1e-5).describe('Added to the quadratic mean inside the square root (official 1e-5).'),
  alphaFwd: z.number().min(0).max(1).default(0.9).describe('Decay of the running quadratic mean ψ in the forward pass (official alpha_fwd 0.9).'),
  alphaBkw: z.number().min(0).max(1).default(0.9).describe('Decay of the backward gradient-statistic correction (official alpha_bkw 0.9).'),
  warmupIters: z.number().int().min(0).max(1e9).default(10000).describe('Training steps that normalise with the batch quadratic mean before switching to ψ (official 10000).'),
  groupNum: z.number().int().min(1).max(65536).default(1).describe('Groups of GroupScaling1D, the parameter-free RMS scaling applied first (official 1).'),
  affine: z.boolean().default(true).describe('Learn per-channel γ (init 1) and β (init 0).'),
});
export type PowerNormParams = z.output<typeof powerNormParams>;

const manifest = { kind: 'normalization', name: 'power-norm', params: powerNormParams } as const;

/**
 * PowerNorm (Shen et al. 2020): batch normalisation by the quadratic mean (no centering), with a
 * running statistic in the forward pass after warm-up and an approximate backward pass.
 * Follows the official `MaskPowerNorm` (sIncerass/powernorm, `mask_powernorm.py`).
 *
 * Notation: x `[B, T, C]` (or `[B, C]`), t the training step (from 1), ψ the running quadratic
 * mean (init 1), ν = `ema_gz` (init 0), α_f, α_b the decays.
 *   x ← GroupScaling(x)                                  (every mode)
 *   σ²_B = mean over real tokens of x² per channel
 *   z = x/√(σ²_B + ε) if t ≤ warmup, else x/√(ψ + ε);   y = γ ⊙ z + β
 *   ψ ← ψ(t − 1)/t + σ²_B/t if t < warmup; then always ψ ← α_f ψ + (1 − α_f) σ²_B
 * Backward (`tf.customGrad`): g = ∂L/∂z (= ∂L/∂y·γ), ĝ = g − (1 − α_b)·ν·z,
 *   ν ← ν + mean(ĝ ⊙ z) over all B·T positions (pads included, as the official code),
 *   ∂L/∂x = ĝ/√(σ²_B + ε) — the batch statistic even after warm-up.
 * Inference: y = γ ⊙ x/√(ψ + ε) + β.
 *
 * Differences from the paper's Algorithm 1: the official code divides the backward by the batch
 * σ²_B, and both warm-up averages apply during warm-up; this layer follows the code. ν is updated
 * when the gradient is computed, so compute the gradient of a training call exactly once.
 * The official module takes `pad_mask` (true = pad); this layer takes `mask` (true = real token).
 *
 * @see https://arxiv.org/abs/2003.07845
 */
export class PowerNorm extends NormLayer<PowerNormParams> {
  static readonly className = 'TesseraPowerNorm';
  protected readonly ranks = [2, 3];
  gamma?: LayerVariable;
  beta?: LayerVariable;
  runningPhi?: LayerVariable;
  emaGz?: LayerVariable;
  iters?: LayerVariable;
  private channels = 0;

  constructor(config: Partial<PowerNormParams> & BaseLayerOptions = {}) {
    super(manifest, config as Record<string, unknown>);
  }

  override build(inputShape: (number | null)[] | (number | null)[][]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    const c = shape[shape.length - 1];
    if (c == null) throw new ShapeError(`${this.label}: the channel axis must have a known size; got [${shape.join(', ')}].`);
    if (c % this.params.groupNum !== 0) throw new ShapeError(`${this.label}: the ${c} channels must divide into groupNum = ${this.params.groupNum} groups.`);
    this.channels = c;
    if (this.params.affine) {
      this.gamma = this.weight('gamma', [c], 1);
      this.beta = this.weight('beta', [c], 0);
    }
    this.runningPhi = this.weight('running_phi', [c], 1, false);
    this.emaGz = this.weight('ema_gz', [c], 0, false);
    this.iters = this.weight('iters', [1], 0, false);
    this.built = true;
  }

  protected forward(x: tf.Tensor, training: boolean, kwargs: NormKwargs): tf.Tensor {
    const mask = checkMask(kwargs.mask, x, this.label);
    const { epsilon } = this.params;
    const c = this.channels;
    const shape = channelShape(x.rank, x.rank - 1, c);
    if (!training) return powerNorm(x, this.runningPhi!.read(), this.gamma?.read() ?? null, this.beta?.read() ?? null, epsilon, this.params.groupNum);
    const z = this.normaliseTraining(groupScaling(x, this.params.groupNum), mask);
    return affine(z, this.gamma?.read() ?? null, this.beta?.read() ?? null, shape, c);
  }

  /** z with the custom backward; updates iters and ψ now, ν when the gradient runs. */
  private normaliseTraining(xs: tf.Tensor, mask: tf.Tensor | undefined): tf.Tensor {
    const { epsilon, alphaFwd, alphaBkw, warmupIters } = this.params;
    const c = this.channels;
    const t = tf.add(this.iters!.read(), 1); // [1]
    this.iters!.write(t);
    const phi = tf.clone(this.runningPhi!.read()); // ψ before this step
    const emaGz = this.emaGz!;
    const op = customGradOp<[tf.Tensor]>((input, save) => {
      const x2 = maskedMeanSquare(input, mask); // σ²_B [C], no gradient (as the official code)
      const inWarmup = tf.lessEqual(t, warmupIters);
      const denom = tf.sqrt(tf.add(tf.where(inWarmup, x2, phi), epsilon));
      const zOut = tf.div(input, denom);
      // running quadratic mean: cumulative average during warm-up, then (always) the EMA
      const tt = tf.reshape(t, []);
      const cumulative = tf.add(tf.div(tf.mul(phi, tf.sub(tt, 1)), tt), tf.div(x2, tt));
      const mixed = tf.where(tf.less(t, warmupIters), cumulative, phi);
      this.runningPhi!.write(tf.add(tf.mul(mixed, alphaFwd), tf.mul(x2, 1 - alphaFwd)));
      save([zOut, x2]);
      return {
        value: zOut,
        gradFunc: (dz: tf.Tensor, saved: tf.Tensor[]) => {
          const [zs, var2] = saved as [tf.Tensor, tf.Tensor];
          const nu = emaGz.read();
          const gHat = tf.sub(dz, tf.mul(tf.mul(nu, 1 - alphaBkw), zs));
          emaGz.write(tf.add(nu, tf.mean(tf.reshape(tf.mul(gHat, zs), [-1, c]), 0)));
          return tf.div(gHat, tf.sqrt(tf.add(var2, epsilon)));
        },
      };
    });
    return op(xs);
  }
}
tf.serialization.registerClass(PowerNorm);

export const powerNormPlugin = definePlugin({
  ...manifest,
  package: '@tessera/normalization',
  summary: 'PowerNorm: batch quadratic-mean normalisation with a running statistic after warm-up and the official approximate backward.',
  paper: { title: 'PowerNorm: Rethinking Batch Normalization in Transformers', arxiv: '2003.07845', year: 2020 },
  create: (params) => new PowerNorm(params),
});

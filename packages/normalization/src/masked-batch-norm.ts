import * as tf from '@tensorflow/tfjs-core';
import { checkTensor, definePlugin, z } from '@tessera/core';
import { affine, batchMoments, batchNormParams, RunningStatsLayer } from './batch-norm.js';
import { channelShape } from './norm-layer.js';
import type { BaseLayerOptions, NormKwargs } from './norm-layer.js';
import { checkMask } from './power-norm.js';

/**
 * Masked batch normalization, the functional (training) form: per-channel μ_B, σ²_B over the real
 * tokens only (`mask` `[B, T]`, `true` = real), every token normalised,
 * y = γ ⊙ (x − μ_B)/√(σ²_B + ε) + β.
 *
 * @param x `[B, T, C]` (or `[B, C]` with mask `[B]`)
 * @see https://arxiv.org/abs/2003.07845
 */
export function maskedBatchNorm(x: tf.Tensor, mask: tf.Tensor | null = null, gamma: tf.Tensor | null = null, beta: tf.Tensor | null = null, epsilon = 1e-5): tf.Tensor {
  checkTensor(x, 'x', 'normalization "masked-batch-norm"', { dtype: 'float32', rank: [2, 3] });
  const m = checkMask(mask ?? undefined, x, 'normalization "masked-batch-norm"');
  return tf.tidy(() => {
    const c = x.shape[x.rank - 1]!;
    const { mean, variance } = batchMoments(x, x.rank - 1, m);
    return affine(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, epsilon))), gamma, beta, channelShape(x.rank, x.rank - 1, c), c);
  });
}

export const maskedBatchNormParams = batchNormParams.extend({
  axis: z.literal(-1).default(-1).describe('The channel axis: always the last ([B, T, C] sequences).'),
});
export type MaskedBatchNormParams = z.output<typeof maskedBatchNormParams>;

const manifest = { kind: 'normalization', name: 'masked-batch-norm', params: maskedBatchNormParams } as const;

/**
 * Batch normalization over sequences whose statistics skip padded tokens (MaskBN, the baseline
 * of the PowerNorm paper), with PyTorch's BatchNorm semantics.
 *
 * Notation: x `[B, T, C]` (or `[B, C]`), mask `[B, T]` (`true` = real token), n the number of
 * real tokens. Training: μ_B, σ²_B (biased) over the real tokens only; every token (pads
 * included) is normalised y = γ ⊙ (x − μ_B)/√(σ²_B + ε) + β; μ̂ ← (1 − m)μ̂ + m μ_B,
 * σ̂² ← (1 − m)σ̂² + m σ²_B·n/(n − 1). Inference: running statistics. Without a mask it is
 * `batch-norm`.
 *
 * Differences from the official `MaskBatchNorm` (sIncerass/powernorm): that code normalises with
 * `σ²_B.clamp(ε)^(−1/2)` instead of `(σ²_B + ε)^(−1/2)`, initialises γ uniformly, and by default
 * (`use_run = False`) keeps using batch statistics in evaluation; this layer follows
 * `nn.BatchNorm1d` on the real tokens instead (DESIGN.md's running-statistics contract).
 *
 * @see https://arxiv.org/abs/2003.07845
 */
export class MaskedBatchNorm extends RunningStatsLayer<MaskedBatchNormParams> {
  static readonly className = 'TesseraMaskedBatchNorm';
  protected readonly ranks = [2, 3];

  constructor(config: Partial<MaskedBatchNormParams> & BaseLayerOptions = {}) {
    super(manifest, config as Record<string, unknown>);
  }

  protected forward(x: tf.Tensor, training: boolean, kwargs: NormKwargs): tf.Tensor {
    const mask = checkMask(kwargs.mask, x, this.label);
    const running = this.running();
    if (!training && running) return this.normalise(x, running.mean, running.variance);
    if (training && !mask) this.requireMoreThanOne(x);
    const { mean, variance, unbiased } = batchMoments(x, this.channelAxis, mask);
    if (training) this.updateRunning(mean, unbiased);
    return this.normalise(x, mean, variance);
  }
}
tf.serialization.registerClass(MaskedBatchNorm);

export const maskedBatchNormPlugin = definePlugin({
  ...manifest,
  package: '@tessera/normalization',
  summary: 'Batch normalization for padded sequences: statistics over real tokens only (mask), PyTorch running statistics.',
  paper: { title: 'PowerNorm: Rethinking Batch Normalization in Transformers (MaskBN baseline)', arxiv: '2003.07845', year: 2020 },
  create: (params) => new MaskedBatchNorm(params),
});

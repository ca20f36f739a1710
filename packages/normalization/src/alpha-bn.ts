import * as tf from '@tensorflow/tfjs-core';
import { checkTensor, definePlugin, z } from '@tessera/core';
import { batchMoments, batchNorm, batchNormParams, RunningStatsLayer } from './batch-norm.js';
import { axesExcept, countOver, type BaseLayerOptions, type NormKwargs } from './norm-layer.js';

/**
 * α-BN, the functional (inference) form: batch norm with μ = α μ̂ + (1 − α) μ_B and
 * σ² = α σ̂² + (1 − α) σ²_B, μ_B, σ²_B (biased) of the test batch, μ̂, σ̂² `[C]` the running statistics.
 *
 * @see https://arxiv.org/abs/2110.04065
 */
export function alphaBatchNorm(
  x: tf.Tensor,
  running: { mean: tf.Tensor; variance: tf.Tensor },
  alpha = 0.9,
  gamma: tf.Tensor | null = null,
  beta: tf.Tensor | null = null,
  epsilon = 1e-5,
): tf.Tensor {
  checkTensor(x, 'x', 'normalization "alpha-bn"', { dtype: 'float32', rank: [2, 3, 4, 5] });
  return tf.tidy(() => {
    const c = x.shape[x.rank - 1]!;
    const { mean, variance } = batchMoments(x, x.rank - 1);
    const mix = (src: tf.Tensor, batch: tf.Tensor) => tf.add(tf.mul(src, alpha), tf.mul(tf.reshape(batch, [c]), 1 - alpha));
    return batchNorm(x, gamma, beta, { mean: mix(running.mean, mean), variance: mix(running.variance, variance) }, epsilon);
  });
}

export const alphaBnParams = batchNormParams
  .omit({ trackRunningStats: true })
  .extend({
    alpha: z
      .number()
      .min(0)
      .max(1)
      .default(0.9)
      .describe('Weight of the source (running) statistics in inference; 1 − alpha goes to the test batch. 1 = plain BN inference, 0 = test-batch normalisation.'),
  });
export type AlphaBnParams = z.output<typeof alphaBnParams>;

const manifest = { kind: 'normalization', name: 'alpha-bn', params: alphaBnParams } as const;

/**
 * α-BN (You et al. 2021, "Test-time Batch Statistics Calibration for Covariate Shift"): batch
 * normalization whose inference statistics mix the source (running) statistics with the
 * statistics of the test batch.
 *
 * Notation: x `[B, …, C]`, μ̂, σ̂² running (source) statistics, μ_B, σ²_B (biased) of the test
 * batch, α = `alpha`. Training: exactly `batch-norm`. Inference:
 *   μ = α μ̂ + (1 − α) μ_B,  σ² = α σ̂² + (1 − α) σ²_B,  y = γ ⊙ (x − μ)/√(σ² + ε) + β.
 * A test batch with one value per channel has no statistics: α = 1 is used then.
 *
 * Notes: the default α = 0.9 is from our research notes and not verified against the paper;
 * here α weights the source statistics (the paper's notation may weight the other way). The
 * paper's "Core" adaptation loss is not part of this layer.
 *
 * @see https://arxiv.org/abs/2110.04065
 */
export class AlphaBn extends RunningStatsLayer<AlphaBnParams> {
  static readonly className = 'TesseraAlphaBn';
  protected readonly ranks = [2, 3, 4, 5];

  constructor(config: Partial<AlphaBnParams> & BaseLayerOptions = {}) {
    super(manifest, config as Record<string, unknown>);
  }

  protected forward(x: tf.Tensor, training: boolean, _kwargs: NormKwargs): tf.Tensor {
    const running = this.running()!;
    const c = this.channels;
    if (training) {
      this.requireMoreThanOne(x);
      const { mean, variance, unbiased } = batchMoments(x, this.channelAxis);
      this.updateRunning(mean, unbiased);
      return this.normalise(x, mean, variance);
    }
    const { alpha } = this.params;
    const n = countOver(x.shape, axesExcept(x.rank, this.channelAxis));
    if (alpha === 1 || n < 2) return this.normalise(x, running.mean, running.variance);
    const { mean, variance } = batchMoments(x, this.channelAxis);
    const mix = (src: tf.Tensor, batch: tf.Tensor) => tf.add(tf.mul(src, alpha), tf.mul(tf.reshape(batch, [c]), 1 - alpha));
    return this.normalise(x, mix(running.mean, mean), mix(running.variance, variance));
  }
}
tf.serialization.registerClass(AlphaBn);

export const alphaBnPlugin = definePlugin({
  ...manifest,
  package: '@tessera/normalization',
  summary: 'α-BN: batch norm whose inference statistics mix the running (source) and the test-batch statistics with weight alpha.',
  paper: { title: 'Test-time Batch Statistics Calibration for Covariate Shift', arxiv: '2110.04065', year: 2021 },
  create: (params) => new AlphaBn(params),
});

import * as tf from '@tensorflow/tfjs-core';
import { checkTensor, definePlugin, z } from '@tessera/core';
import { batchMoments, batchNorm, batchNormParams, RunningStatsLayer } from './batch-norm.js';
import type { BaseLayerOptions, NormKwargs } from './norm-layer.js';

export const ghostBatchNormParams = batchNormParams.extend({
  virtualBatchSize: z.number().int().min(1).max(1 << 20).default(32).describe('Ghost batch size B_g; the batch is split as torch.chunk(x, ceil(B / B_g)) (Composer default 32).'),
});
export type GhostBatchNormParams = z.output<typeof ghostBatchNormParams>;

const manifest = { kind: 'normalization', name: 'ghost-batch-norm', params: ghostBatchNormParams } as const;

/** The chunk sizes of `torch.chunk(x, k)` along a batch of `b` with `k = ceil(b / size)`. */
export function ghostChunks(b: number, size: number): number[] {
  const k = Math.ceil(b / size);
  const each = Math.ceil(b / k);
  const out: number[] = [];
  for (let left = b; left > 0; left -= each) out.push(Math.min(each, left));
  return out;
}

/**
 * Ghost batch normalization, the functional (training) form: `torch.chunk(x, ⌈B/B_g⌉)` along the
 * batch, each chunk batch-normalised with its own statistics (channel axis last).
 *
 * @see https://arxiv.org/abs/1705.08741
 */
export function ghostBatchNorm(x: tf.Tensor, virtualBatchSize: number, gamma: tf.Tensor | null = null, beta: tf.Tensor | null = null, epsilon = 1e-5): tf.Tensor {
  checkTensor(x, 'x', 'normalization "ghost-batch-norm"', { dtype: 'float32', rank: [2, 3, 4, 5] });
  return tf.tidy(() => {
    const sizes = ghostChunks(x.shape[0]!, virtualBatchSize);
    const chunks = sizes.length === 1 ? [x] : tf.split(x, sizes, 0);
    const outs = chunks.map((chunk) => batchNorm(chunk, gamma, beta, null, epsilon));
    return outs.length === 1 ? outs[0]! : tf.concat(outs, 0);
  });
}

/**
 * Ghost batch normalization (Hoffer et al. 2017): in training, the batch is split into ghost
 * batches of about B_g samples and each is normalised with its own statistics; the running
 * statistics are updated once per ghost batch, in order (k EMA updates a step). Inference uses
 * the running statistics, as `batch-norm`.
 *
 * Notation: x `[B, …, C]`, chunks as `torch.chunk(x, ceil(B / B_g))` (Composer's
 * `apply_ghost_batchnorm`); a batch of at most B_g samples is plain batch norm.
 *
 * Differences: Keras' `virtual_batch_size` requires B divisible by B_g and averages the ghost
 * statistics into one update; this layer follows the Composer/PyTorch chunking.
 *
 * @see https://arxiv.org/abs/1705.08741
 */
export class GhostBatchNorm extends RunningStatsLayer<GhostBatchNormParams> {
  static readonly className = 'TesseraGhostBatchNorm';
  protected readonly ranks = [2, 3, 4, 5];

  constructor(config: Partial<GhostBatchNormParams> & BaseLayerOptions = {}) {
    super(manifest, config as Record<string, unknown>);
  }

  protected forward(x: tf.Tensor, training: boolean, _kwargs: NormKwargs): tf.Tensor {
    const running = this.running();
    if (!training) {
      if (running) return this.normalise(x, running.mean, running.variance);
      const { mean, variance } = batchMoments(x, this.channelAxis); // untracked: whole-batch statistics, as the wrapped BatchNorm
      return this.normalise(x, mean, variance);
    }
    const sizes = ghostChunks(x.shape[0]!, this.params.virtualBatchSize);
    const chunks = sizes.length === 1 ? [x] : tf.split(x, sizes, 0);
    const outs = chunks.map((chunk) => {
      this.requireMoreThanOne(chunk);
      const { mean, variance, unbiased } = batchMoments(chunk, this.channelAxis);
      this.updateRunning(mean, unbiased);
      return this.normalise(chunk, mean, variance);
    });
    return outs.length === 1 ? outs[0]! : tf.concat(outs, 0);
  }
}
tf.serialization.registerClass(GhostBatchNorm);

export const ghostBatchNormPlugin = definePlugin({
  ...manifest,
  package: '@tessera/normalization',
  summary: 'Ghost batch normalization: batch statistics per ghost batch of virtualBatchSize samples, one running update per ghost batch.',
  paper: { title: 'Train longer, generalize better: closing the generalization gap in large batch training of neural networks', arxiv: '1705.08741', year: 2017 },
  create: (params) => new GhostBatchNorm(params),
});

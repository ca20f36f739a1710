import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineOptimizer, learningRateField, maskOf, paramGroupsField, weightDecayMaskField } from '../define-optimizer.js';
import { needParams, paramOf, type GradientTransformation, type TensorRecord } from '../transform.js';
import { maskSelects } from '../transforms/add-decayed-weights.js';

/**
 * AdaGrad-Norm: one global AdaGrad step size (Ward, Wu & Bottou), the optimizer of AdAdaGrad-Norm.
 * The accumulator stays on the device.
 *
 * Notation: b₀ initial accumulator root, g gradient (all variables), η learning rate.
 *
 *   b² ← b² + ‖g‖²;  θ ← θ − η·g/b
 *
 * @see https://arxiv.org/abs/1806.01811
 */
export const { plugin: adagradNorm, Optimizer: AdagradNormOptimizer } = defineOptimizer({
  name: 'adagrad-norm',
  className: 'Tessera.AdaGradNorm',
  summary: 'AdaGrad-Norm: SGD with a single step size η/√(b₀² + Σ‖g‖²) (the optimizer of AdAdaGrad-Norm).',
  paper: { title: 'AdaGrad stepsizes: Sharp convergence over nonconvex landscapes', arxiv: '1806.01811', year: 2018 },
  params: z.strictObject({
    learningRate: learningRateField(1e-2, 'Learning rate η.'),
    initialAccumulator: z.number().positive().default(1e-2).describe('b₀: initial root of the accumulator (guards the first step).'),
    weightDecay: z.number().min(0).default(0).describe('Coupled weight decay.'),
    weightDecayMask: weightDecayMaskField,
    paramGroups: paramGroupsField,
  }),
  build: (hp, ctx): GradientTransformation => ({
    init: () => ({}),
    update(updates, state, params) {
      const ps = needParams(params, 'adagrad-norm');
      const mask = maskOf(hp.weightDecayMask);
      const gs: TensorRecord = {};
      for (const [n, g] of Object.entries(updates)) {
        const p = paramOf(ps, n, 'adagrad-norm');
        gs[n] = hp.weightDecay > 0 && maskSelects(mask, n, p) ? tf.add(g, tf.mul(p, hp.weightDecay)) : g;
      }
      const sq = tf.addN([tf.scalar(0), ...Object.values(gs).map((g) => tf.sum(tf.square(g)))]);
      const b2 = tf.add((state.b2 as tf.Tensor | undefined) ?? tf.scalar(hp.initialAccumulator ** 2), sq);
      const step = tf.div(ctx.lr(), tf.sqrt(b2));
      const out: TensorRecord = {};
      for (const [n, g] of Object.entries(gs)) out[n] = tf.neg(tf.mul(g, step));
      return [out, { b2 }];
    },
  }),
});

/**
 * AdAdaGrad's norm test (timlautk/AdAdaGrad `norm_test`): the next batch size from
 * per-sample gradients, on the device (the data loader reads the result once per step).
 *
 * Notation: gᵢ per-sample gradients of a batch of b (leading axis), ḡ their mean,
 * V = Σ_params ‖Var_i^{unbiased}(gᵢ)‖₁, η the test's constant.
 *
 *   b_next = min(b_max, max(b, ⌈V / (η²‖ḡ‖²)⌉))      (‖ḡ‖ = 0 keeps b)
 *
 * @returns an int32 scalar tensor (caller owns it)
 * @see https://arxiv.org/abs/2402.11215
 */
export function adadagradBatchSize(perSampleGrads: TensorRecord, opts: { eta: number; batchSize: number; maxBatchSize: number }): tf.Scalar {
  return tf.tidy(() => {
    const gs = Object.values(perSampleGrads);
    if (gs.length === 0) throw new TypeError('adadagradBatchSize: no per-sample gradients.');
    const b = gs[0]!.shape[0]!;
    if (b < 2) throw new RangeError('adadagradBatchSize: the unbiased variance needs at least 2 samples per batch.');
    const means = gs.map((g) => tf.mean(g, 0));
    const V = tf.addN(gs.map((g, i) => tf.div(tf.sum(tf.square(tf.sub(g, means[i]!))), b - 1)));
    const gbar2 = tf.addN(means.map((m) => tf.sum(tf.square(m))));
    const ratio = tf.ceil(tf.div(V, tf.mul(tf.maximum(gbar2, 1e-30), opts.eta * opts.eta)));
    const next = tf.minimum(opts.maxBatchSize, tf.maximum(opts.batchSize, ratio));
    return tf.cast(tf.where(tf.greater(gbar2, 0), next, tf.scalar(opts.batchSize)), 'int32') as tf.Scalar;
  });
}

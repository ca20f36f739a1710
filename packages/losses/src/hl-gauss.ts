import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, checkDim, requireInput, z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { logitsInput, sampleWeights } from './inputs.js';
import { reduceLoss } from './reduce.js';

export const histogramParams = {
  minValue: z.number().min(-1e9).max(1e9).default(-1).describe('Lower end v_min of the support (targets are clipped to it).'),
  maxValue: z.number().min(-1e9).max(1e9).default(1).describe('Upper end v_max of the support (targets are clipped to it).'),
};

/** Regression targets `[N]` float32 for logits `[N, M]`. */
export function scalarTargets(inputs: Record<string, tf.Tensor | undefined>, label: string, n: number): tf.Tensor1D {
  const y = requireInput(inputs, 'targets', label, { rank: 1, dtype: 'float32', describe: '[N] float32 regression targets' });
  checkDim(y, 0, n, 'targets', 'N', label);
  return y as tf.Tensor1D;
}

export function checkRange(minValue: number, maxValue: number, label: string): void {
  if (!(maxValue > minValue)) throw new ShapeError(`${label}: maxValue (${maxValue}) must be greater than minValue (${minValue}).`);
}

/**
 * HL-Gauss: regression as classification with a Gaussian histogram target
 * (Imani & White 2018; Farebrother et al. 2024, "Stop Regressing").
 *
 * Notation: logits `z [N, M]` over M bins with edges `b_0..b_M = linspace(v_min, v_max, M+1)`,
 * targets `y` clipped to `[v_min, v_max]`, `σ = sigmaRatio·(b_1 − b_0)`,
 * `q_m = (erf((b_{m+1}−y)/(√2σ)) − erf((b_m−y)/(√2σ))) / (erf((b_M−y)/(√2σ)) − erf((b_0−y)/(√2σ)))`.
 * `ℓ_i = −Σ_m q_m log softmax(z_i)_m`. The prediction is `Σ_m softmax(z)_m·(b_m + b_{m+1})/2`.
 * Default σ/width 0.75 (the paper's recommendation).
 *
 * @see https://arxiv.org/abs/2403.03950
 */
export const hlGauss = defineLoss({
  name: 'hl-gauss',
  summary: 'HL-Gauss: cross-entropy against a Gaussian-smoothed histogram of the regression target.',
  paper: { title: 'Stop Regressing: Training Value Functions via Classification for Scalable Deep RL', arxiv: '2403.03950', year: 2024 },
  io: { required: ['logits', 'targets'], optional: ['weights'], output: 'logits', target: 'targets' },
  params: z.strictObject({
    ...histogramParams,
    sigmaRatio: z.number().positive().max(100).default(0.75).describe('σ as a multiple of the bin width (paper: 0.75).'),
  }),
  compute(p, inputs, reduction, label) {
    checkRange(p.minValue, p.maxValue, label);
    const logits = logitsInput(inputs, label);
    const [n, m] = logits.shape;
    const y = tf.clipByValue(scalarTargets(inputs, label, n), p.minValue, p.maxValue);
    const weights = sampleWeights(inputs, label, n);
    const width = (p.maxValue - p.minValue) / m;
    const sigma = p.sigmaRatio * width;
    const edges = tf.linspace(p.minValue, p.maxValue, m + 1);
    const cdf = tf.erf(tf.div(tf.sub(tf.expandDims(edges, 0), tf.expandDims(y, 1)), Math.SQRT2 * sigma));
    const mass = tf.sub(tf.slice(cdf, [0, 1], [n, m]), tf.slice(cdf, [0, 0], [n, m]));
    const total = tf.sub(tf.slice(cdf, [0, m], [n, 1]), tf.slice(cdf, [0, 0], [n, 1]));
    const q = tf.div(mass, total);
    const per = tf.neg(tf.sum(tf.mul(q, tf.logSoftmax(logits)), 1));
    return reduceLoss(per, reduction, weights ? { weights } : {});
  },
});

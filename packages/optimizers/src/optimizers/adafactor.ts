import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineOptimizer, learningRateField, maskOf, paramGroupsField, weightDecayMaskField } from '../define-optimizer.js';
import { chain, needParams, paramOf, perVariable, type GradientTransformation, type StateTree, type TensorRecord } from '../transform.js';
import { addDecayedWeights } from '../transforms/add-decayed-weights.js';
import { scale } from '../transforms/scale-by-learning-rate.js';

/** optax `_factored_dims`: the two largest axes (second largest, largest) when both ≥ minDim, else null. */
export function factoredDims(shape: readonly number[], factored: boolean, minDim: number): [number, number] | null {
  if (!factored || shape.length < 2) return null;
  const sorted = shape.map((d, i) => [d, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map((x) => x[1]);
  const d1 = sorted[sorted.length - 2]!;
  const d0 = sorted[sorted.length - 1]!;
  if (shape[d1]! < minDim) return null;
  return [d1, d0];
}

/**
 * Adafactor's factored second-moment scaling (optax `scale_by_factored_rms`).
 *
 * Notation: g gradient, ĝ² = g² + ε₁, ρ_k = 1 − (k+1)^(−decayRate) (k per-variable step from 0),
 * R row statistics (mean over the largest axis d0), C column statistics (mean over d1).
 *
 *   factored: R ← ρR + (1−ρ)mean_{d0}(ĝ²);  C ← ρC + (1−ρ)mean_{d1}(ĝ²);  u = g·(R/mean(R))^(−½)·C^(−½)
 *   else:     v ← ρv + (1−ρ)ĝ²;  u = g·v^(−½)
 */
export function scaleByFactoredRms(opts: { factored?: boolean; decayRate?: number; stepOffset?: number; minDimSizeToFactor?: number; epsilon?: number } = {}): GradientTransformation {
  const { factored = true, decayRate = 0.8, stepOffset = 0, minDimSizeToFactor = 128, epsilon = 1e-30 } = opts;
  const fresh = (g: tf.Tensor): StateTree => {
    const dims = factoredDims(g.shape, factored, minDimSizeToFactor);
    if (!dims) return { v: tf.zerosLike(g), count: 0 };
    const [d1, d0] = dims;
    return { row: tf.zeros(g.shape.filter((_, i) => i !== d0)), col: tf.zeros(g.shape.filter((_, i) => i !== d1)), count: 0 };
  };
  return {
    init: () => ({}),
    update(updates, state) {
      const [out, slots] = perVariable(updates, state.slots as StateTree | undefined, fresh, (g, s) => {
        const k = s.count as number;
        const rho = 1 - Math.pow(k - stepOffset + 1, -decayRate);
        const g2 = tf.add(tf.square(g), epsilon);
        const dims = factoredDims(g.shape, factored, minDimSizeToFactor);
        if (!dims) {
          const v = tf.add(tf.mul(s.v as tf.Tensor, rho), tf.mul(g2, 1 - rho));
          return [tf.mul(g, tf.rsqrt(v)), { v, count: k + 1 }];
        }
        const [d1, d0] = dims;
        const row = tf.add(tf.mul(s.row as tf.Tensor, rho), tf.mul(tf.mean(g2, d0), 1 - rho));
        const col = tf.add(tf.mul(s.col as tf.Tensor, rho), tf.mul(tf.mean(g2, d1), 1 - rho));
        const reducedD1 = d1 > d0 ? d1 - 1 : d1;
        const rowFactor = tf.rsqrt(tf.div(row, tf.mean(row, reducedD1, true)));
        const colFactor = tf.rsqrt(col);
        const u = tf.mul(tf.mul(g, tf.expandDims(rowFactor, d0)), tf.expandDims(colFactor, d1));
        return [u, { row, col, count: k + 1 }];
      });
      return [out, { slots }];
    },
  };
}

const rms = (x: tf.Tensor) => tf.sqrt(tf.mean(tf.square(x)));

/**
 * Adafactor (optax `adafactor`): factored second moments, update clipping by
 * block RMS, relative step (multiply by the parameter RMS), optional momentum.
 *
 * Notation: u factored-RMS update, d clippingThreshold, η learning rate, β momentum, λ weightDecayRate.
 *
 *   u ← u / max(1, rms(u)/d);  u ← η·u;  u ← u·max(rms(θ), 1e-3) (multiplyByParameterScale)
 *   m ← βm + (1−β)u (momentum > 0);  u ← u + λθ;  θ ← θ − u
 *
 * Weight decay is added after the learning rate (optax), i.e. θ ← θ − λθ per step.
 * optax's learning_rate defaults to None (no scaling); here 1e-2.
 *
 * @see https://arxiv.org/abs/1804.04235
 */
export const { plugin: adafactor, Optimizer: AdafactorOptimizer } = defineOptimizer({
  name: 'adafactor',
  className: 'Tessera.Adafactor',
  summary: 'Adafactor: factored second moments (row/column), update clipping, relative step sizes (optax adafactor).',
  paper: { title: 'Adafactor: Adaptive Learning Rates with Sublinear Memory Cost', arxiv: '1804.04235', year: 2018 },
  params: z.strictObject({
    learningRate: learningRateField(1e-2, 'Learning rate η (relative to the parameter scale when multiplyByParameterScale).'),
    minDimSizeToFactor: z.number().int().min(1).default(128).describe('Factor the second moment only if the two largest axes are at least this size.'),
    decayRate: z.number().min(0).default(0.8).describe('ρ_k = 1 − (k+1)^(−decayRate).'),
    decayOffset: z.number().int().min(0).default(0).describe('Step offset of the decay schedule (fine-tuning).'),
    multiplyByParameterScale: z.boolean().default(true).describe('Scale updates by max(rms(θ), 1e-3).'),
    clippingThreshold: z.number().positive().optional().default(1).describe('Clip the update block RMS to this value (undefined: no clipping).'),
    momentum: z.number().min(0).lt(1).default(0).describe('EMA of updates (0: none, as optax momentum=None).'),
    weightDecayRate: z.number().min(0).default(0).describe('Weight decay added after the learning rate.'),
    epsilon: z.number().min(0).default(1e-30).describe('ε₁ added to g².'),
    factored: z.boolean().default(true).describe('Use the factored estimator for rank ≥ 2 variables.'),
    weightDecayMask: weightDecayMaskField,
    paramGroups: paramGroupsField,
  }),
  build: (hp, ctx) => {
    const clip: GradientTransformation = {
      init: () => ({}),
      update(updates, state) {
        const out: TensorRecord = {};
        for (const [n, u] of Object.entries(updates)) out[n] = tf.div(u, tf.maximum(1, tf.div(rms(u), hp.clippingThreshold!)));
        return [out, state];
      },
    };
    const paramScale: GradientTransformation = {
      init: () => ({}),
      update(updates, state, params) {
        const ps = needParams(params, 'adafactor');
        const out: TensorRecord = {};
        for (const [n, u] of Object.entries(updates)) out[n] = tf.mul(u, tf.maximum(rms(paramOf(ps, n, 'adafactor')), 1e-3));
        return [out, state];
      },
    };
    const momentum: GradientTransformation = {
      init: () => ({}),
      update(updates, state) {
        const [out, slots] = perVariable(updates, state.slots as StateTree | undefined, (g) => ({ m: tf.zerosLike(g) }), (u, s) => {
          const m = tf.add(tf.mul(s.m as tf.Tensor, hp.momentum), tf.mul(u, 1 - hp.momentum));
          return [m, { m }];
        });
        return [out, { slots }];
      },
    };
    return chain(
      scaleByFactoredRms({ factored: hp.factored, decayRate: hp.decayRate, stepOffset: hp.decayOffset, minDimSizeToFactor: hp.minDimSizeToFactor, epsilon: hp.epsilon }),
      ...(hp.clippingThreshold !== undefined ? [clip] : []),
      scale(() => ctx.lr()),
      ...(hp.multiplyByParameterScale ? [paramScale] : []),
      ...(hp.momentum > 0 ? [momentum] : []),
      ...(hp.weightDecayRate > 0 ? [addDecayedWeights(hp.weightDecayRate, maskOf(hp.weightDecayMask))] : []),
      scale(-1),
    );
  },
});

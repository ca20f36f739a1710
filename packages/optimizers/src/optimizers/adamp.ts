import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineOptimizer, learningRateField, maskOf, paramGroupsField, weightDecayMaskField } from '../define-optimizer.js';
import type { BuildContext } from '../transform-optimizer.js';
import { needParams, paramOf, perVariable, type GradientTransformation, type StateTree } from '../transform.js';
import { maskSelects, type DecayMask } from '../transforms/add-decayed-weights.js';

/** Moves the channel axis to the front and flattens the rest: [C, −1]. */
function channelView(x: tf.Tensor, axis: number): tf.Tensor {
  const perm = [axis, ...x.shape.map((_, i) => i).filter((i) => i !== axis)];
  const t = axis === 0 ? x : tf.transpose(x, perm);
  return tf.reshape(t, [x.shape[axis]!, -1]);
}
function fromChannelView(v: tf.Tensor, like: tf.Tensor, axis: number): tf.Tensor {
  if (axis === 0) return tf.reshape(v, like.shape);
  const perm = [axis, ...like.shape.map((_, i) => i).filter((i) => i !== axis)];
  const t = tf.reshape(v, perm.map((i) => like.shape[i]!));
  const inv = perm.map((_, i) => perm.indexOf(i));
  return tf.transpose(t, inv);
}

/**
 * AdamP/SGDP projection (clovaai/AdamP `_projection`), decided on the device.
 *
 * Notation: rows are channels ([C, −1]) then the whole layer ([1, −1]); cos = |cos(g_row, θ_row)|
 * with PyTorch 1.13's `F.cosine_similarity` (each norm clamped at ε); n = row length.
 *
 *   first view with max cos < δ/√n:  θ̂ = θ/(‖θ_row‖ + ε);  u ← u − θ̂·Σ_row(θ̂ ⊙ u);  wd ← wdRatio
 *
 * Only for variables of rank > 1. `channelAxis` selects the output-channel axis: −1 (tfjs
 * layouts: dense `[in, out]`, conv `[kh, kw, in, out]`) or 0 (PyTorch layouts).
 * Returns [u, wd factor (device scalar)].
 */
export function adampProjection(p: tf.Tensor, g: tf.Tensor, u: tf.Tensor, delta: number, wdRatio: number, eps: number, channelAxis: number): [tf.Tensor, tf.Tensor] {
  if (p.rank <= 1) return [u, tf.scalar(1)];
  const axis = channelAxis < 0 ? p.rank + channelAxis : channelAxis;
  const views: ((x: tf.Tensor) => tf.Tensor)[] = [(x) => channelView(x, axis), (x) => tf.reshape(x, [1, -1])];
  const back: ((v: tf.Tensor) => tf.Tensor)[] = [(v) => fromChannelView(v, p, axis), (v) => tf.reshape(v, p.shape)];
  const candidates: { cond: tf.Tensor; proj: tf.Tensor }[] = views.map((view, i) => {
    const gv = view(g);
    const pv = view(p);
    const gn = tf.maximum(tf.norm(gv, 'euclidean', 1), eps);
    const pn = tf.maximum(tf.norm(pv, 'euclidean', 1), eps);
    const cos = tf.abs(tf.div(tf.sum(tf.mul(gv, pv), 1), tf.mul(gn, pn)));
    const cond = tf.less(tf.max(cos), delta / Math.sqrt(pv.shape[1]!));
    const phat = tf.div(pv, tf.add(tf.norm(pv, 'euclidean', 1, true), eps));
    const uv = view(u);
    const proj = back[i]!(tf.sub(uv, tf.mul(phat, tf.sum(tf.mul(phat, uv), 1, true))));
    return { cond, proj };
  });
  const [c0, c1] = candidates as [{ cond: tf.Tensor; proj: tf.Tensor }, { cond: tf.Tensor; proj: tf.Tensor }];
  const out = tf.where(tf.broadcastTo(c0.cond, u.shape), c0.proj, tf.where(tf.broadcastTo(c1.cond, u.shape), c1.proj, u));
  const wd = tf.where(tf.logicalOr(c0.cond, c1.cond), tf.scalar(wdRatio), tf.scalar(1));
  return [out, wd];
}

interface AdampOptions {
  kind: 'adam' | 'sgd';
  beta1: number; beta2: number; epsilon: number; nesterov: boolean; momentum: number; dampening: number;
  weightDecay: number; delta: number; wdRatio: number; channelAxis: number; mask: DecayMask;
}

function scaleByAdamp(o: AdampOptions, ctx: BuildContext): GradientTransformation {
  return {
    init: () => ({}),
    update(updates, state, params) {
      const ps = needParams(params, o.kind === 'adam' ? 'adamp' : 'sgdp');
      const lr = ctx.lr();
      const [out, slots] = perVariable(
        updates,
        state.slots as StateTree | undefined,
        (g): StateTree => (o.kind === 'adam' ? { m: tf.zerosLike(g), v: tf.zerosLike(g), count: 0 } : { buf: tf.zerosLike(g) }),
        (g, s, name) => {
          const p = paramOf(ps, name, 'adamp');
          let step: tf.Tensor;
          let next: StateTree;
          let size: number;
          if (o.kind === 'adam') {
            const t = (s.count as number) + 1;
            const m = tf.add(tf.mul(s.m as tf.Tensor, o.beta1), tf.mul(g, 1 - o.beta1));
            const v = tf.add(tf.mul(s.v as tf.Tensor, o.beta2), tf.mul(tf.square(g), 1 - o.beta2));
            const denom = tf.add(tf.mul(tf.sqrt(v), 1 / Math.sqrt(1 - Math.pow(o.beta2, t))), o.epsilon);
            step = tf.div(o.nesterov ? tf.add(tf.mul(m, o.beta1), tf.mul(g, 1 - o.beta1)) : m, denom);
            size = lr / (1 - Math.pow(o.beta1, t));
            next = { m, v, count: t };
          } else {
            const buf = tf.add(tf.mul(s.buf as tf.Tensor, o.momentum), tf.mul(g, 1 - o.dampening));
            step = o.nesterov ? tf.add(g, tf.mul(buf, o.momentum)) : buf;
            size = lr;
            next = { buf };
          }
          const [proj, wdScale] = adampProjection(p, g, step, o.delta, o.wdRatio, o.epsilon, o.channelAxis);
          let u = tf.mul(proj, -size);
          const wd = maskSelects(o.mask, name, p) ? o.weightDecay : 0;
          if (wd > 0) {
            const factor = o.kind === 'adam' ? lr * wd : (lr * wd) / (1 - o.momentum);
            u = tf.sub(u, tf.mul(p, tf.mul(wdScale, factor)));
          }
          return [u, next];
        },
      );
      return [out, { slots }];
    },
  };
}

const projectionFields = {
  delta: z.number().positive().default(0.1).describe('Threshold δ of the cosine test (δ/√n).'),
  wdRatio: z.number().min(0).default(0.1).describe('Weight-decay multiplier for projected (scale-invariant) weights.'),
  channelAxis: z.number().int().default(-1).describe('Output-channel axis: −1 for tfjs layouts, 0 for PyTorch layouts.'),
};

/**
 * AdamP (clovaai/AdamP `AdamP`): Adam whose step is projected off the
 * weight direction for scale-invariant weights, with reduced decay there.
 *
 *   u = m̂/(√v̂ + ε) (nesterov: (β1m + (1−β1)g)/…);  u ← projection(u);  θ ← θ(1 − ηλ·wd) − η/(1−β1ᵗ)·u
 *
 * @see https://arxiv.org/abs/2006.08217
 */
export const { plugin: adamp, Optimizer: AdampOptimizer } = defineOptimizer({
  name: 'adamp',
  className: 'Tessera.AdamP',
  summary: 'AdamP: Adam with the radial component removed for scale-invariant weights (clovaai/AdamP).',
  paper: { title: 'AdamP: Slowing Down the Slowdown for Momentum Optimizers on Scale-invariant Weights', arxiv: '2006.08217', year: 2020 },
  params: z.strictObject({
    learningRate: learningRateField(1e-3, 'Learning rate η.'),
    beta1: z.number().min(0).lt(1).default(0.9).describe('Decay β1 of the first moment.'),
    beta2: z.number().min(0).lt(1).default(0.999).describe('Decay β2 of the second moment.'),
    epsilon: z.number().positive().default(1e-8).describe('ε of the denominator, the norms and the cosine.'),
    weightDecay: z.number().min(0).default(0).describe('Decoupled weight decay λ.'),
    nesterov: z.boolean().default(false).describe('Nesterov-style numerator β1m + (1−β1)g.'),
    ...projectionFields,
    weightDecayMask: weightDecayMaskField,
    paramGroups: paramGroupsField,
  }),
  build: (hp, ctx) => scaleByAdamp({ ...hp, kind: 'adam', momentum: 0, dampening: 0, mask: maskOf(hp.weightDecayMask) }, ctx),
});

/**
 * SGDP (clovaai/AdamP `SGDP`): SGD with momentum and the AdamP projection.
 *
 *   b ← μb + (1−d)g (b₀ = 0);  u = g + μb (nesterov) or b;  u ← projection(u);
 *   θ ← θ(1 − ηλ·wd/(1−μ)) − η·u
 *
 * @see https://arxiv.org/abs/2006.08217
 */
export const { plugin: sgdp, Optimizer: SgdpOptimizer } = defineOptimizer({
  name: 'sgdp',
  className: 'Tessera.SGDP',
  summary: 'SGDP: SGD with momentum, radial component removed for scale-invariant weights (clovaai/AdamP).',
  paper: { title: 'AdamP: Slowing Down the Slowdown for Momentum Optimizers on Scale-invariant Weights', arxiv: '2006.08217', year: 2020 },
  params: z.strictObject({
    learningRate: learningRateField(1e-3, 'Learning rate η (required in the reference).'),
    momentum: z.number().min(0).lt(1).default(0).describe('Momentum μ.'),
    dampening: z.number().min(0).max(1).default(0).describe('Dampening d.'),
    nesterov: z.boolean().default(false).describe('Nesterov momentum.'),
    epsilon: z.number().positive().default(1e-8).describe('ε of the norms and the cosine.'),
    weightDecay: z.number().min(0).default(0).describe('Decoupled weight decay λ (divided by 1 − μ).'),
    ...projectionFields,
    weightDecayMask: weightDecayMaskField,
    paramGroups: paramGroupsField,
  }),
  build: (hp, ctx) => scaleByAdamp({ ...hp, kind: 'sgd', beta1: 0, beta2: 0, mask: maskOf(hp.weightDecayMask) }, ctx),
});

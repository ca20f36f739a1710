import * as tf from '@tensorflow/tfjs-core';
import { checkTensor, definePlugin, ShapeError, z } from '@tessera/core';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { affine } from './batch-norm.js';
import { channelShape, customGradOp, NormLayer, type BaseLayerOptions, type NormKwargs } from './norm-layer.js';
import { checkMask, maskedMeanSquare } from './power-norm.js';

const LABEL = 'normalization "unified-norm"';

/**
 * Unified Normalization's inference form (the functional form; training needs the layer's
 * state): y = γ ⊙ x/√(σ̂² + ε) + β with the running quadratic mean σ̂² `[C]`.
 *
 * @see https://arxiv.org/abs/2208.01313
 */
export function unifiedNorm(x: tf.Tensor, runningVar: tf.Tensor, gamma: tf.Tensor | null = null, beta: tf.Tensor | null = null, epsilon = 1e-5): tf.Tensor {
  checkTensor(x, 'x', LABEL, { dtype: 'float32', rank: [2, 3] });
  const c = x.shape[x.rank - 1]!;
  checkTensor(runningVar, 'runningVar', LABEL, { shape: [c] });
  return tf.tidy(() => {
    const shape = channelShape(x.rank, x.rank - 1, c);
    return affine(tf.div(x, tf.reshape(tf.sqrt(tf.add(runningVar, epsilon)), shape)), gamma, beta, shape, c);
  });
}

export const unifiedNormParams = z.strictObject({
  windowSize: z
    .union([z.number().int().min(1).max(1024), z.tuple([z.number().int().min(1).max(1024), z.number().int().min(1).max(1024)])])
    .default(4)
    .describe('Window of past steps kept for the forward statistic and the backward gradient statistic; one number or [forward, backward] (official 4).'),
  warmupIters: z.number().int().min(0).max(1e9).default(4000).describe('Steps that use the plain batch statistic before the windowed geometric mean (official 4000).'),
  outlierFiltration: z.boolean().default(false).describe('Skip outlier batches (arithmetic − geometric mean of the window above W × the recorded variance); official: false for NLP, true for CV.'),
  epsilon: z.number().positive().max(1).default(1e-5).describe('Added to the quadratic mean inside the square root (official 1e-5).'),
  momentum: z
    .number()
    .min(0)
    .max(1)
    .default(0.1)
    .describe('Weight of the new value in the running variance and the gradient EMA (PyTorch convention; the official `momentum=0.9` is 1 − this).'),
  compensationWarmup: z
    .number()
    .int()
    .min(0)
    .max(1e9)
    .default(1000)
    .describe('The gradient-compensation ratio r is 1 while the step is ≤ max(compensationWarmup, warmupIters) (the official code hard-codes 1000).'),
});
export type UnifiedNormParams = z.output<typeof unifiedNormParams>;

const manifest = { kind: 'normalization', name: 'unified-norm', params: unifiedNormParams } as const;

/**
 * Unified Normalization (Yang et al. 2022), following the official `UN1d`
 * (hikvision-research/Unified-Normalization, `unified_normalization.py`).
 *
 * Notation: x `[B, T, C]` (or `[B, C]`), t the training step (from 1), W_f / W_b the forward /
 * backward windows, σ̂² the running variance (init 1), ν = `ema_gz` (init 0), m the momentum
 * (weight of the new value), buffers X2 `[W_f, C]`, GZ `[W_b, C]` (init 0).
 *   x2 = mean over real tokens of x² per channel (no centering); X2[t mod W_f] ← x2
 *   skip = (W_f = 1) or (outlierFiltration, t ≥ warmup and any channel has AM(X2) − GM(X2) >
 *          W_f·Var(√X2 before the write)); on skip X2[t mod W_f] ← σ̂²
 *   σ² = x2 if t ≤ W_f or t < warmup or skip, else GM(X2) (geometric mean over the window)
 *   r = clamp(√(σ² + ε)/√(σ̂² + ε), 1/5, 5), r = 1 while t ≤ max(compensationWarmup, warmup) or skip
 *   z = x/√(σ² + ε), y = γ ⊙ z + β, σ̂² ← (1 − m)σ̂² + m σ²
 * Backward (`tf.customGrad`): g = ∂L/∂y·γ·r, gz = mean(g ⊙ z) per channel over all positions,
 *   GZ[t mod W_b] ← (skip ? ν : gz), ḡz = gz if t ≤ W_b or t < warmup or skip else mean(GZ),
 *   ν ← (1 − m)ν + m ḡz, ĝ = g − (skip ? ḡz : ν)·z, ∂L/∂x = ĝ/√(σ² + ε),
 *   ∂L/∂γ = Σ ∂L/∂y ⊙ r z, ∂L/∂β = Σ ∂L/∂y.
 * Inference: y = γ ⊙ x/√(σ̂² + ε) + β.
 *
 * Differences: the official `momentum = 0.9` weights the old value; here `momentum` is PyTorch's
 * convention (0.1 = same behaviour). The official 1000-step floor of the compensation warm-up is
 * the `compensationWarmup` hyperparameter. `mask` is `true` for real tokens (official `pad_mask`
 * is the opposite). Gradient statistics update when the gradient is computed: once per step.
 *
 * @see https://arxiv.org/abs/2208.01313
 */
export class UnifiedNorm extends NormLayer<UnifiedNormParams> {
  static readonly className = 'TesseraUnifiedNorm';
  protected readonly ranks = [2, 3];
  gamma?: LayerVariable;
  beta?: LayerVariable;
  runningVar?: LayerVariable;
  emaGz?: LayerVariable;
  bufferX2?: LayerVariable;
  bufferGz?: LayerVariable;
  iters?: LayerVariable;
  skipCounter?: LayerVariable;
  private channels = 0;

  constructor(config: Partial<UnifiedNormParams> & BaseLayerOptions = {}) {
    super(manifest, config as Record<string, unknown>);
  }

  private get windows(): [number, number] {
    const w = this.params.windowSize;
    return typeof w === 'number' ? [w, w] : [w[0], w[1]];
  }

  override build(inputShape: (number | null)[] | (number | null)[][]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    const c = shape[shape.length - 1];
    if (c == null) throw new ShapeError(`${this.label}: the channel axis must have a known size; got [${shape.join(', ')}].`);
    this.channels = c;
    const [wf, wb] = this.windows;
    this.gamma = this.weight('gamma', [c], 1);
    this.beta = this.weight('beta', [c], 0);
    this.runningVar = this.weight('running_var', [c], 1, false);
    this.emaGz = this.weight('ema_gz', [c], 0, false);
    this.bufferX2 = this.weight('buffer_x2', [wf, c], 0, false);
    this.bufferGz = this.weight('buffer_gz', [wb, c], 0, false);
    this.iters = this.weight('iters', [1], 0, false);
    this.skipCounter = this.weight('skip_counter', [1], 0, false);
    this.built = true;
  }

  protected forward(x: tf.Tensor, training: boolean, kwargs: NormKwargs): tf.Tensor {
    const mask = checkMask(kwargs.mask, x, this.label);
    const { epsilon } = this.params;
    if (!training) return unifiedNorm(x, this.runningVar!.read(), this.gamma!.read(), this.beta!.read(), epsilon);
    return this.training(x, mask);
  }

  private training(x: tf.Tensor, mask: tf.Tensor | undefined): tf.Tensor {
    const { epsilon, warmupIters, outlierFiltration, momentum, compensationWarmup } = this.params;
    const [wf, wb] = this.windows;
    const c = this.channels;
    const shape = channelShape(x.rank, x.rank - 1, c);
    const t = tf.add(this.iters!.read(), 1); // [1]
    this.iters!.write(t);
    const tt = tf.reshape(t, []);
    const slot = (w: number) => tf.reshape(tf.equal(tf.range(0, w), tf.mod(tt, w)), [w, 1]); // one-hot row t mod W
    const vars = { runningVar: this.runningVar!, emaGz: this.emaGz!, bufferX2: this.bufferX2!, bufferGz: this.bufferGz!, skipCounter: this.skipCounter! };

    const op = customGradOp<[tf.Tensor, tf.Tensor, tf.Tensor]>((input, gamma, beta, save) => {
      const x2 = maskedMeanSquare(input, mask); // [C], no gradient
      const old = vars.bufferX2.read();
      const recorded = wf * c > 1 ? unbiasedVariance(tf.sqrt(old)) : tf.scalar(Number.NaN);
      const row = slot(wf);
      let buf = tf.where(row, tf.reshape(x2, [1, c]), old);
      let skip: tf.Tensor = tf.scalar(wf <= 1);
      if (outlierFiltration && wf > 1) {
        const am = tf.mean(buf, 0);
        const gm = tf.exp(tf.mean(tf.log(buf), 0));
        const outlier = tf.logicalAnd(tf.greaterEqual(tt, warmupIters), tf.any(tf.greater(tf.sub(am, gm), tf.mul(recorded, wf))));
        buf = tf.where(tf.logicalAnd(row, outlier), tf.reshape(vars.runningVar.read(), [1, c]), buf);
        vars.skipCounter.write(tf.add(vars.skipCounter.read(), tf.cast(outlier, 'float32')));
        skip = outlier;
      }
      vars.bufferX2.write(buf);
      const useBatch = tf.logicalOr(tf.logicalOr(tf.lessEqual(tt, wf), tf.less(tt, warmupIters)), skip);
      const variance = tf.where(useBatch, x2, tf.exp(tf.mean(tf.log(buf), 0))); // σ² [C]
      const rv = vars.runningVar.read();
      const ratio = tf.div(tf.sqrt(tf.add(variance, epsilon)), tf.sqrt(tf.add(rv, epsilon)));
      const noComp = tf.logicalOr(tf.lessEqual(tt, Math.max(compensationWarmup, warmupIters)), skip);
      const r = tf.where(noComp, tf.onesLike(ratio), tf.clipByValue(ratio, 0.2, 5)); // [C]
      const zOut = tf.div(input, tf.reshape(tf.sqrt(tf.add(variance, epsilon)), shape));
      vars.runningVar.write(tf.add(tf.mul(rv, 1 - momentum), tf.mul(variance, momentum)));
      const y = tf.add(tf.mul(zOut, tf.reshape(gamma, shape)), tf.reshape(beta, shape));
      save([zOut, variance, r, gamma, tf.cast(skip, 'float32'), tt]);
      return {
        value: y,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [zs, var2, rs, gam, skipF, step] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
          const skipped = tf.greater(skipF, 0);
          const rB = tf.reshape(rs, shape);
          const g = tf.mul(tf.mul(dy, tf.reshape(gam, shape)), rB);
          const gz = tf.mean(tf.reshape(tf.mul(g, zs), [-1, c]), 0); // [C]
          const nuOld = vars.emaGz.read();
          const rowB = tf.reshape(tf.equal(tf.range(0, wb), tf.mod(step, wb)), [wb, 1]);
          const gzBuf = tf.where(rowB, tf.reshape(tf.where(skipped, nuOld, gz), [1, c]), vars.bufferGz.read());
          vars.bufferGz.write(gzBuf);
          const plain = tf.logicalOr(tf.logicalOr(tf.lessEqual(step, wb), tf.less(step, warmupIters)), skipped);
          const meanGz = tf.where(plain, gz, tf.mean(gzBuf, 0));
          const nu = tf.add(tf.mul(nuOld, 1 - momentum), tf.mul(meanGz, momentum));
          vars.emaGz.write(nu);
          const corr = tf.where(skipped, meanGz, nu);
          const gHat = tf.sub(g, tf.mul(tf.reshape(corr, shape), zs));
          const dx = tf.div(gHat, tf.reshape(tf.sqrt(tf.add(var2, epsilon)), shape));
          const dGamma = tf.sum(tf.reshape(tf.mul(dy, tf.mul(rB, zs)), [-1, c]), 0);
          const dBeta = tf.sum(tf.reshape(dy, [-1, c]), 0);
          return [dx, dGamma, dBeta];
        },
      };
    });
    return op(x, this.gamma!.read(), this.beta!.read());
  }
}
tf.serialization.registerClass(UnifiedNorm);

/** Unbiased variance of all elements (torch.var's default). */
function unbiasedVariance(t: tf.Tensor): tf.Tensor {
  const n = t.size;
  const m = tf.mean(t);
  return tf.div(tf.sum(tf.square(tf.sub(t, m))), n - 1);
}

export const unifiedNormPlugin = definePlugin({
  ...manifest,
  package: '@tessera/normalization',
  summary: 'Unified Normalization: windowed geometric-mean statistics, gradient compensation and the official custom backward.',
  paper: { title: 'Unified Normalization for Accelerating and Stabilizing Transformers', arxiv: '2208.01313', year: 2022 },
  create: (params) => new UnifiedNorm(params),
});

import * as tf from '@tensorflow/tfjs-core';
import { checkTensor, definePlugin, ShapeError, z } from '@tessera/core';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { LayerNorm } from './layer-norm.js';
import { NormLayer, type BaseLayerOptions, type NormKwargs } from './norm-layer.js';
import { RmsNorm } from './rms-norm.js';

const LABEL = 'normalization "crms-norm"';

/**
 * Compressed RMS normalization, the functional form. The input x̂ `[..., d − 1]` stands for the
 * zero-mean vector x = (x̂, −Σ x̂) of size d; then
 *   CRMSNorm(x̂) = x̂ / √((‖x̂‖² + (Σ_i x̂_i)²)/d + ε)  = LayerNorm(x)[: d − 1]  (no affine).
 *
 * @param x `[..., d − 1]`
 * @param gamma optional gain `[d − 1]`; @param beta optional bias `[d − 1]`
 * @param epsilon inside the square root (as the layer norm it replaces)
 * @see https://arxiv.org/abs/2305.14858
 */
export function crmsNorm(x: tf.Tensor, gamma: tf.Tensor | null = null, beta: tf.Tensor | null = null, epsilon = 1e-5): tf.Tensor {
  checkTensor(x, 'x', LABEL, { dtype: 'float32' });
  const dm1 = x.shape[x.rank - 1]!;
  if (gamma) checkTensor(gamma, 'gamma', LABEL, { shape: [dm1] });
  if (beta) checkTensor(beta, 'beta', LABEL, { shape: [dm1] });
  return tf.tidy(() => {
    const d = dm1 + 1;
    const ss = tf.sum(tf.square(x), -1, true);
    const s = tf.sum(x, -1, true);
    let y = tf.mul(x, tf.rsqrt(tf.add(tf.div(tf.add(ss, tf.square(s)), d), epsilon)));
    if (gamma) y = tf.mul(y, gamma);
    if (beta) y = tf.add(y, beta);
    return y;
  });
}

export const crmsNormParams = z.strictObject({
  epsilon: z.number().positive().max(1).default(1e-5).describe('Inside the square root; equal to the ε of the layer norm it replaces (PyTorch LN 1e-5).'),
  elementwiseAffine: z.boolean().default(false).describe('Learn a gain γ on the d − 1 kept coordinates (the paper folds γ, β into the next linear layer instead).'),
  bias: z.boolean().default(false).describe('Also learn a bias β (only with elementwiseAffine).'),
});
export type CrmsNormParams = z.output<typeof crmsNormParams>;

const manifest = { kind: 'normalization', name: 'crms-norm', params: crmsNormParams } as const;

/**
 * Compressed RMSNorm of the Pre-CRMSNorm Transformer (Jiang et al. 2023) as a layer.
 *
 * Notation: x̂ `[..., d − 1]` the compressed residual stream, d the original width.
 * y = x̂ / √((‖x̂‖² + (Σ x̂)²)/d + ε) (optional γ, β). Equal to LayerNorm of the zero-mean
 * x = (x̂, −Σ x̂), first d − 1 coordinates, without affine; so a Pre-LN Transformer converts
 * exactly (see {@link preLnToPreRmsNorm} and {@link dropLastCoordinate}).
 *
 * @see https://arxiv.org/abs/2305.14858
 */
export class CrmsNorm extends NormLayer<CrmsNormParams> {
  static readonly className = 'TesseraCrmsNorm';
  protected readonly ranks = [1, 2, 3, 4];
  gamma?: LayerVariable;
  beta?: LayerVariable;

  constructor(config: Partial<CrmsNormParams> & BaseLayerOptions = {}) {
    super(manifest, config as Record<string, unknown>);
  }

  override build(inputShape: (number | null)[] | (number | null)[][]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    const d = shape[shape.length - 1];
    if (d == null) throw new ShapeError(`${this.label}: the last axis must have a known size; got [${shape.join(', ')}].`);
    if (this.params.elementwiseAffine) {
      this.gamma = this.weight('gamma', [d], 1);
      if (this.params.bias) this.beta = this.weight('beta', [d], 0);
    }
    this.built = true;
  }

  protected forward(x: tf.Tensor, _training: boolean, _kwargs: NormKwargs): tf.Tensor {
    return crmsNorm(x, this.gamma?.read() ?? null, this.beta?.read() ?? null, this.params.epsilon);
  }
}
tf.serialization.registerClass(CrmsNorm);

export const crmsNormPlugin = definePlugin({
  ...manifest,
  package: '@tessera/normalization',
  summary: 'Compressed RMSNorm: x̂/√((‖x̂‖² + (Σx̂)²)/d + ε) on a (d − 1)-dim zero-mean stream; equals LayerNorm exactly.',
  paper: { title: 'Pre-RMSNorm and Pre-CRMSNorm Transformers: Equivalent and Efficient Pre-LN Transformers', arxiv: '2305.14858', year: 2023 },
  create: (params) => new CrmsNorm(params),
});

// ---------------------------------------------------------------------------
// Pre-LN → Pre-RMSNorm → Pre-CRMSNorm conversion (exact for training and inference)

/**
 * Step 1 of the conversion: removes the mean over the model dimension from an embedding table
 * `[V, d]` (token or position embeddings that write into the residual stream).
 */
export function recenterEmbeddings(table: tf.Tensor): tf.Tensor {
  checkTensor(table, 'table', LABEL, { rank: 2 });
  return tf.tidy(() => tf.sub(table, tf.mean(table, 1, true)));
}

/**
 * Step 2: makes a linear layer that writes into the residual stream produce zero-mean outputs:
 * W ← W(I − 11ᵀ/d), b ← b − mean(b), with the tfjs kernel layout W `[in, d]` (a PyTorch weight
 * `[d, in]` is the transpose).
 */
export function recenterOutputs(kernel: tf.Tensor, bias: tf.Tensor | null = null): { kernel: tf.Tensor; bias: tf.Tensor | null } {
  checkTensor(kernel, 'kernel', LABEL, { rank: 2 });
  return {
    kernel: tf.tidy(() => tf.sub(kernel, tf.mean(kernel, 1, true))),
    bias: bias ? tf.tidy(() => tf.sub(bias, tf.mean(bias))) : null,
  };
}

/**
 * Step 3: a `layer-norm` becomes an `rms-norm` with the same γ, β and ε (inside the root). The
 * two agree whenever the input has zero mean, which steps 1–2 guarantee for the residual stream.
 * The layer norm must be built (its weights are copied).
 */
export function preLnToPreRmsNorm(ln: LayerNorm): RmsNorm {
  const { epsilon, axis, elementwiseAffine, bias, normalizedShape } = ln.params;
  if (typeof axis !== 'number' && axis.length !== 1) throw new ShapeError(`${LABEL}: only a layer norm over one axis converts to RMSNorm; got axis [${axis.join(', ')}].`);
  const rms = new RmsNorm({ epsilon, axis: typeof axis === 'number' ? axis : axis[0]!, normalizedShape, epsPlacement: 'inside', elementwiseAffine, bias: elementwiseAffine && bias });
  if (ln.built && elementwiseAffine) {
    const shape = ln.gamma!.shape as number[];
    rms.build([null, ...shape]);
    rms.setWeights(ln.getWeights());
  }
  return rms;
}

/**
 * Step 4a (Pre-CRMSNorm): folds a norm's γ, β into the linear layer that consumes its output:
 * W ← diag(γ)W, b ← b + βW (tfjs layout W `[d, out]`). The norm then runs without affine.
 */
export function foldNormAffine(gamma: tf.Tensor | null, beta: tf.Tensor | null, kernel: tf.Tensor, bias: tf.Tensor | null = null): { kernel: tf.Tensor; bias: tf.Tensor | null } {
  checkTensor(kernel, 'kernel', LABEL, { rank: 2 });
  const out = kernel.shape[1]!;
  const k = tf.tidy(() => (gamma ? tf.mul(kernel, tf.reshape(gamma, [-1, 1])) : tf.clone(kernel)));
  const b = beta
    ? tf.tidy(() => {
        const shift = tf.reshape(tf.matMul(tf.reshape(beta, [1, -1]), kernel), [out]);
        return bias ? tf.add(bias, shift) : shift;
      })
    : bias
      ? tf.clone(bias)
      : null;
  return { kernel: k, bias: b };
}

/**
 * Step 4b (Pre-CRMSNorm): a linear layer that reads the d-dim zero-mean stream reads the
 * compressed (d − 1)-dim stream instead: Ŵ = W[: d − 1] − W[d − 1] (rows; tfjs layout `[d, out]`),
 * since x_d = −Σ x̂. Layers that write into the stream keep their first d − 1 output columns.
 */
export function dropLastCoordinate(kernel: tf.Tensor): tf.Tensor {
  checkTensor(kernel, 'kernel', LABEL, { rank: 2 });
  return tf.tidy(() => {
    const d = kernel.shape[0]!;
    const head = tf.slice(kernel, [0, 0], [d - 1, -1]);
    const last = tf.slice(kernel, [d - 1, 0], [1, -1]);
    return tf.sub(head, last);
  });
}

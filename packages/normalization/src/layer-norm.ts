import * as tf from '@tensorflow/tfjs-core';
import { checkTensor, definePlugin, ShapeError, z } from '@tessera/core';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { centred, NormLayer, resolveAxis, type BaseLayerOptions, type NormKwargs } from './norm-layer.js';

const LABEL = 'normalization "layer-norm"';

/** A list of axes (or one axis) to normalise over; γ and β have the sizes of those axes. */
export const axesField = (what: string) =>
  z.union([z.number().int().min(-8).max(8), z.array(z.number().int().min(-8).max(8)).min(1).max(8)]).default(-1).describe(what);

/** PyTorch's `normalized_shape`: when given, the trailing axes of these sizes are normalised (overrides `axis`). */
export const normalizedShapeField = () =>
  z
    .union([z.number().int().min(1), z.array(z.number().int().min(1)).min(1).max(8)])
    .nullable()
    .default(null)
    .describe('PyTorch’s normalized_shape (optional): normalise the trailing axes of these sizes, checked against the input; overrides axis.');

/** The axes a layer norm-like layer normalises: from `normalizedShape` when given, else `axis`; sizes checked. */
export function normAxes(params: { axis: number | readonly number[]; normalizedShape?: number | readonly number[] | null }, shape: readonly (number | null)[], label: string): number[] {
  const ns = params.normalizedShape;
  if (ns == null) return resolveAxes(params.axis, shape.length, label);
  const sizes = typeof ns === 'number' ? [ns] : [...ns];
  if (sizes.length > shape.length) throw new ShapeError(`${label}: normalizedShape [${sizes.join(', ')}] has more axes than the input [${shape.join(', ')}].`);
  const axes = sizes.map((_, i) => shape.length - sizes.length + i);
  const got = axes.map((a) => shape[a]);
  if (got.some((d, i) => d !== null && d !== sizes[i])) {
    throw new ShapeError(`${label}: normalizedShape [${sizes.join(', ')}] does not match the trailing input axes [${got.join(', ')}].`);
  }
  return axes;
}

/** Resolves `axis` (one or several, negative allowed) to sorted, distinct non-negative axes. */
export function resolveAxes(axis: number | readonly number[], rank: number, label: string): number[] {
  const list = typeof axis === 'number' ? [axis] : [...axis];
  const out = [...new Set(list.map((a) => resolveAxis(a, rank, label)))].sort((a, b) => a - b);
  return out;
}

/** Reshapes a parameter whose shape is `x.shape` at `axes` so that it broadcasts against `x`. */
export function broadcastParam(p: tf.Tensor, xShape: readonly number[], axes: number[], arg: string, label: string): tf.Tensor {
  const want = axes.map((a) => xShape[a]!);
  if (p.size !== want.reduce((n, d) => n * d, 1)) {
    throw new ShapeError(`${label}: ${arg} must have shape [${want.join(', ')}] (the normalised axes of x); got [${p.shape.join(', ')}].`);
  }
  const shape = xShape.map((d, i) => (axes.includes(i) ? d : 1));
  return tf.reshape(p, shape);
}

/**
 * Layer normalization, the functional form.
 *
 * μ = mean_A(x), σ² = mean_A((x − μ)²) (biased), y = γ ⊙ (x − μ)/√(σ² + ε) + β, over the axes A
 * (default the last one). Equal to `F.layer_norm(x, x.shape[A], γ, β, ε)` in PyTorch.
 *
 * @param x input of any rank, e.g. `[B, T, D]`
 * @param gamma gain with the shape of the normalised axes, or null (no gain)
 * @param beta bias with the shape of the normalised axes, or null (no bias)
 * @param epsilon added to σ² inside the square root (PyTorch 1e-5)
 * @param axis the axis or axes normalised over (default -1)
 * @see https://arxiv.org/abs/1607.06450
 */
export function layerNorm(
  x: tf.Tensor,
  gamma: tf.Tensor | null = null,
  beta: tf.Tensor | null = null,
  epsilon = 1e-5,
  axis: number | readonly number[] = -1,
): tf.Tensor {
  checkTensor(x, 'x', LABEL, { dtype: 'float32' });
  return tf.tidy(() => {
    const axes = resolveAxes(axis, x.rank, LABEL);
    const { xc, variance } = centred(x, axes);
    let y = tf.mul(xc, tf.rsqrt(tf.add(variance, epsilon)));
    if (gamma) y = tf.mul(y, broadcastParam(checkTensor(gamma, 'gamma', LABEL), x.shape, axes, 'gamma', LABEL));
    if (beta) y = tf.add(y, broadcastParam(checkTensor(beta, 'beta', LABEL), x.shape, axes, 'beta', LABEL));
    return y;
  });
}

export const layerNormParams = z.strictObject({
  epsilon: z.number().positive().max(1).default(1e-5).describe('Added to the variance inside the square root (PyTorch 1e-5; tfjs/Keras default 1e-3).'),
  elementwiseAffine: z.boolean().default(true).describe('Learn a per-element gain γ (init 1) and, if `bias`, a bias β (init 0).'),
  bias: z.boolean().default(true).describe('Learn the bias β (only with elementwiseAffine), as PyTorch 2.1+ `bias`.'),
  axis: axesField('Axis or axes normalised over (PyTorch: the trailing `normalized_shape`); default the last axis.'),
  normalizedShape: normalizedShapeField(),
});
export type LayerNormParams = z.output<typeof layerNormParams>;

const manifest = { kind: 'normalization', name: 'layer-norm', params: layerNormParams } as const;

/**
 * Layer normalization (Ba, Kiros & Hinton 2016) as a `tf.layers.Layer`.
 *
 * Notation: x `[..., D]`, A the normalised axes (default last), γ, β of the shape of A.
 * y = γ ⊙ (x − mean_A x)/√(var_A x + ε) + β, with the biased variance. No running
 * statistics: training and inference are the same.
 *
 * Differences: PyTorch names the normalised dims by a trailing `normalized_shape`, here an
 * `axis` (Keras); tfjs `layerNormalization` defaults ε to 1e-3, PyTorch and Tessera to 1e-5.
 *
 * @see https://arxiv.org/abs/1607.06450
 */
export class LayerNorm extends NormLayer<LayerNormParams> {
  static readonly className = 'TesseraLayerNorm';
  protected readonly ranks = [1, 2, 3, 4, 5, 6];
  gamma?: LayerVariable;
  beta?: LayerVariable;

  constructor(config: Partial<LayerNormParams> & BaseLayerOptions = {}) {
    super(manifest, config as Record<string, unknown>);
  }

  override build(inputShape: (number | null)[] | (number | null)[][]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    const axes = normAxes(this.params, shape, this.label);
    const pshape = axes.map((a) => {
      const d = shape[a];
      if (d == null) throw new ShapeError(`${this.label}: axis ${a} of the input must have a known size; got shape [${shape.join(', ')}].`);
      return d;
    });
    if (this.params.elementwiseAffine) {
      this.gamma = this.weight('gamma', pshape, 1);
      if (this.params.bias) this.beta = this.weight('beta', pshape, 0);
    }
    this.built = true;
  }

  protected forward(x: tf.Tensor, _training: boolean, _kwargs: NormKwargs): tf.Tensor {
    return layerNorm(x, this.gamma?.read() ?? null, this.beta?.read() ?? null, this.params.epsilon, normAxes(this.params, x.shape, this.label));
  }
}
tf.serialization.registerClass(LayerNorm);

export const layerNormPlugin = definePlugin({
  ...manifest,
  package: '@tessera/normalization',
  summary: 'Layer normalization over the last axis (or given axes), PyTorch defaults (ε = 1e-5).',
  paper: { title: 'Layer Normalization', arxiv: '1607.06450', year: 2016 },
  create: (params) => new LayerNorm(params),
});

/**
 * The base class of every Tessera normalization layer, and the small tensor
 * helpers they share.
 *
 * Notation used across the package:
 *   B  batch size            T  sequence length        D / C  features (channels, last axis)
 *   H, W  spatial sizes       G  number of groups       ε  epsilon
 *   γ  gain (init 1)          β  bias (init 0)          m  momentum (weight of the new batch statistic)
 *   μ_B, σ²_B  batch mean and biased batch variance     μ̂, σ̂²  running mean and unbiased running variance
 *
 * Layout is channels-last (the tfjs convention): `[B, D]`, `[B, T, D]`, `[B, H, W, C]`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { initializers, layers, type LayerVariable } from '@tensorflow/tfjs-layers';
import { checkTensor, parseParams, ShapeError, z, type PluginManifest } from '@tessera/core';

/** The options every layer accepts besides its hyperparameters (passed to `tf.layers.Layer`). */
export interface BaseLayerOptions {
  /** Layer name, unique within a model. */
  name?: string;
  /** Whether the weights are trained (default true). */
  trainable?: boolean;
  /** Input shape without the batch axis (first layer of a `tf.sequential`). */
  inputShape?: (number | null)[];
  /** Input shape with the batch axis. */
  batchInputShape?: (number | null)[];
  batchSize?: number;
  dtype?: 'float32';
}

/** What `call` receives as `kwargs`: `training` selects batch vs running statistics, `mask` marks valid tokens. */
export interface NormKwargs {
  training?: boolean;
  /** Boolean `[B, T]` (or the input's shape without the channel axis): `true` = a real token, `false` = padding. */
  mask?: tf.Tensor;
  [key: string]: unknown;
}

const BASE_KEYS = ['name', 'trainable', 'inputShape', 'batchInputShape', 'batchSize', 'dtype', 'inputDType', 'weights'] as const;

/**
 * Splits a constructor config into the layer's hyperparameters (validated
 * against its schema, defaults filled in) and the base `tf.layers.Layer`
 * options. The same config comes back from `getConfig()`, so a saved model
 * reloads through `fromConfig` → `new Layer(config)`.
 */
export function splitConfig<S extends z.ZodType>(
  manifest: Pick<PluginManifest, 'kind' | 'name'> & { params: S },
  config: Record<string, unknown> = {},
): { params: z.output<S>; base: Record<string, unknown> } {
  const raw: Record<string, unknown> = {};
  const base: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    if ((BASE_KEYS as readonly string[]).includes(k)) base[k] = v;
    else if (k !== 'customObjects') raw[k] = v; // tfjs-layers' fromConfig passes its custom-object map along
  }
  return { params: parseParams(manifest as unknown as PluginManifest<z.output<S>>, raw), base };
}

/**
 * A `tf.layers.Layer` whose hyperparameters are a validated record. Subclasses
 * set `static className`, create weights in `build` and compute in `forward`
 * (already inside `tf.tidy`, with the input validated).
 */
export abstract class NormLayer<P extends object> extends layers.Layer {
  /** The validated hyperparameters (defaults filled in). */
  readonly params: P;
  /** `normalization "<name>"`, used in error messages. */
  protected readonly label: string;

  protected constructor(manifest: Pick<PluginManifest, 'kind' | 'name'> & { params: z.ZodType<P> }, config: Record<string, unknown> = {}) {
    const { params, base } = splitConfig(manifest, config);
    super(base);
    this.params = Object.freeze(params);
    this.label = `normalization "${manifest.name}"`;
    this.supportsMasking = true;
  }

  /** Input ranks the layer accepts (checked before anything runs). */
  protected abstract readonly ranks: readonly number[];

  /** The normalization itself; runs inside `tf.tidy`, `x` validated. */
  protected abstract forward(x: tf.Tensor, training: boolean, kwargs: NormKwargs): tf.Tensor;

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: NormKwargs): tf.Tensor {
    const x = checkTensor(Array.isArray(inputs) ? inputs[0] : inputs, 'x', this.label, { rank: this.ranks, dtype: 'float32' });
    return tf.tidy(() => this.forward(x, kwargs?.training === true, kwargs ?? {}));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...(this.params as tf.serialization.ConfigDict), ...super.getConfig() };
  }

  /** A float32 weight of `shape`, filled with `value` (trainable unless said otherwise). */
  protected weight(name: string, shape: number[], value: number, trainable = true): LayerVariable {
    return this.addWeight(name, shape, 'float32', initializers.constant({ value }), undefined, trainable);
  }
}

// ---------------------------------------------------------------------------
// helpers

/** Normalises a possibly negative axis and checks it is inside `[0, rank)`. */
export function resolveAxis(axis: number, rank: number, label: string, arg = 'axis'): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) {
    throw new ShapeError(`${label}: ${arg} = ${axis} is out of range for an input of rank ${rank}.`);
  }
  return a;
}

/** `[1, …, size, …, 1]`: a per-channel vector reshaped to broadcast along `axis` of a rank-`rank` tensor. */
export function channelShape(rank: number, axis: number, size: number): number[] {
  const s = new Array<number>(rank).fill(1);
  s[axis] = size;
  return s;
}

/** Every axis except `keep`. */
export function axesExcept(rank: number, ...keep: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < rank; i++) if (!keep.includes(i)) out.push(i);
  return out;
}

/**
 * (x − μ), μ and the biased variance over `axes` (keepDims). The variance is mean((x − μ)²), never
 * E[x²] − μ², and the mean gets one correction pass (μ ← μ + mean(x − μ)), so rows whose mean is
 * large against their spread keep float32 accuracy.
 */
export function centred(x: tf.Tensor, axes: number[]): { xc: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor } {
  const m0 = tf.mean(x, axes, true);
  const d0 = tf.sub(x, m0);
  const corr = tf.mean(d0, axes, true);
  const xc = tf.sub(d0, corr);
  return { xc, mean: tf.add(m0, corr), variance: tf.mean(tf.square(xc), axes, true) };
}

/** Number of elements reduced over `axes`. */
export function countOver(shape: readonly number[], axes: number[]): number {
  return axes.reduce((n, a) => n * shape[a]!, 1);
}

/** PyTorch's `num_features` / `num_channels`: optional, checked against the input's channel count when given. */
export const sizeCheckField = (what: string) =>
  z.number().int().min(1).max(1 << 24).nullable().default(null).describe(`${what} (PyTorch's constructor argument); optional: inferred from the input, checked when given.`);

/** Throws unless an optional expected size matches the actual one. */
export function checkSize(expected: number | null | undefined, actual: number, what: string, label: string): void {
  if (expected != null && expected !== actual) throw new ShapeError(`${label}: ${what} = ${expected} but the input has ${actual}.`);
}

/** A zod field for an `axis` hyperparameter. */
export const axisField = (def: number, what: string) => z.number().int().min(-8).max(8).default(def).describe(what);

/** `tf.customGrad` with typed tensor arguments (the save function comes last). */
export function customGradOp<A extends tf.Tensor[]>(
  f: (...args: [...A, tf.GradSaveFunc]) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[] },
): (...args: A) => tf.Tensor {
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...args: A) => tf.Tensor;
}

import * as tf from '@tensorflow/tfjs-core';
import { checkTensor, definePlugin, ShapeError, z } from '@tessera/core';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { NormLayer, type BaseLayerOptions, type NormKwargs } from './norm-layer.js';
import { safeSqrt } from './rms-norm.js';

const LABEL = 'normalization "scale-norm"';

/**
 * ScaleNorm, the functional form: y = g · x / max(‖x‖₂, ε) over the last axis, g a scalar.
 *
 * @param x `[..., D]`
 * @param g the scalar gain (a number or a scalar tensor)
 * @see https://arxiv.org/abs/1910.05895
 */
export function scaleNorm(x: tf.Tensor, g: tf.Tensor | number, epsilon = 1e-5): tf.Tensor {
  checkTensor(x, 'x', LABEL, { dtype: 'float32' });
  return tf.tidy(() => {
    const norm = tf.maximum(safeSqrt(tf.sum(tf.square(x), -1, true)), epsilon);
    return tf.mul(tf.div(x, norm), typeof g === 'number' ? g : tf.reshape(g, []));
  });
}

export const scaleNormParams = z.strictObject({
  epsilon: z.number().positive().max(1).default(1e-5).describe('Lower clamp of the norm ‖x‖ (official 1e-5).'),
  scale: z.number().positive().max(1e6).nullable().default(null).describe('Initial value of the learned scalar g; null = √D (the paper: "all g are initialized to √d").'),
});
export type ScaleNormParams = z.output<typeof scaleNormParams>;

const manifest = { kind: 'normalization', name: 'scale-norm', params: scaleNormParams } as const;

/**
 * ScaleNorm (Nguyen & Salazar 2019, "Transformers without Tears"): projects each vector onto
 * the sphere of learned radius g.
 *
 * Notation: x `[..., D]`, g one learned scalar (init √D). y = g · x / max(‖x‖₂, ε).
 * No running statistics. Matches the official code (`norm = g / ‖x‖.clamp(min=eps)`).
 *
 * @see https://arxiv.org/abs/1910.05895
 */
export class ScaleNorm extends NormLayer<ScaleNormParams> {
  static readonly className = 'TesseraScaleNorm';
  protected readonly ranks = [1, 2, 3, 4, 5];
  g?: LayerVariable;

  constructor(config: Partial<ScaleNormParams> & BaseLayerOptions = {}) {
    super(manifest, config as Record<string, unknown>);
  }

  override build(inputShape: (number | null)[] | (number | null)[][]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as (number | null)[];
    const d = shape[shape.length - 1];
    if (d == null) throw new ShapeError(`${this.label}: the last axis must have a known size; got [${shape.join(', ')}].`);
    this.g = this.weight('g', [1], this.params.scale ?? Math.sqrt(d));
    this.built = true;
  }

  protected forward(x: tf.Tensor, _training: boolean, _kwargs: NormKwargs): tf.Tensor {
    return scaleNorm(x, this.g!.read(), this.params.epsilon);
  }
}
tf.serialization.registerClass(ScaleNorm);

export const scaleNormPlugin = definePlugin({
  ...manifest,
  package: '@tessera/normalization',
  summary: 'ScaleNorm: g · x / max(‖x‖, ε) with one learned scalar g (init √D).',
  paper: { title: 'Transformers without Tears: Improving the Normalization of Self-Attention', arxiv: '1910.05895', year: 2019 },
  create: (params) => new ScaleNorm(params),
});

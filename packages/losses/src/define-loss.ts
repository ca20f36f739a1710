import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, z, type Loss, type LossInputs, type LossIO, type PaperRef, type Plugin, type PluginManifest, type Reduction } from '@tessera/core';
import { reduceElementwise, reductionOf } from './reduce.js';
import { batchInput, sameShapeInput, sampleWeights } from './inputs.js';

/** The package name every manifest of this package carries. */
export const PACKAGE = '@tessera/losses';

export interface LossDefinition<S extends z.ZodType> {
  readonly kind?: 'loss' | 'regularizer';
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly summary: string;
  readonly paper?: PaperRef;
  readonly io: LossIO;
  readonly params: S;
  /**
   * The loss for validated `params`. Runs inside `tf.tidy`; `label` is
   * `loss "<name>"`, for error messages.
   */
  compute(params: z.output<S>, inputs: LossInputs, reduction: Reduction, label: string): tf.Tensor;
}

/**
 * Defines a stateless loss (or regularizer) plugin: validates the reduction,
 * wraps `compute` in `tf.tidy`, sets the package.
 */
export function defineLoss<S extends z.ZodType>(def: LossDefinition<S>): Plugin<z.output<S>, Loss> {
  const kind = def.kind ?? 'loss';
  const label = `${kind} "${def.name}"`;
  return definePlugin({
    kind,
    name: def.name,
    ...(def.aliases ? { aliases: def.aliases } : {}),
    summary: def.summary,
    ...(def.paper ? { paper: def.paper } : {}),
    package: PACKAGE,
    io: def.io,
    params: def.params,
    create: (params: z.output<S>, manifest: PluginManifest<z.output<S>>): Loss => ({
      manifest,
      compute(inputs: LossInputs, opts) {
        const reduction = reductionOf(opts, label);
        return tf.tidy(() => def.compute(params, inputs ?? {}, reduction, label));
      },
    }),
  });
}

/** `reduction` as a hyperparameter is not used: it is an option of `compute`. Shared zod pieces: */
export const zTemperature = (def: number, what = 'Softmax temperature T') =>
  z.number().positive().max(1e4).default(def).describe(what);

/**
 * Defines an elementwise regression loss `ℓ(x, t)` over predictions and
 * targets of the same shape `[N, ...]`, reduced as PyTorch does for `mean`
 * and `sum` (over every element) with `none` giving per-sample means `[N]`.
 */
export function defineElementwise<S extends z.ZodType>(def: Omit<LossDefinition<S>, 'compute' | 'io'> & {
  io?: LossIO;
  elementwise(params: z.output<S>, predictions: tf.Tensor, targets: tf.Tensor, label: string): tf.Tensor;
}): Plugin<z.output<S>, Loss> {
  const { elementwise, ...rest } = def;
  return defineLoss({
    ...rest,
    io: def.io ?? { required: ['predictions', 'targets'], optional: ['weights'], output: 'predictions', target: 'targets' },
    compute(p, inputs, reduction, label) {
      const x = batchInput(inputs, 'predictions', label);
      const t = sameShapeInput(inputs, 'targets', label, x, 'predictions');
      const weights = sampleWeights(inputs, label, x.shape[0]!);
      return reduceElementwise(elementwise(p, x, t, label), reduction, weights);
    },
  });
}

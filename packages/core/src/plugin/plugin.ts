import { z } from 'zod';
import { parseParams } from './params.js';
import type { PluginKind } from './plugin-kind.js';

/** A paper a plugin implements. */
export interface PaperRef {
  readonly title: string;
  readonly arxiv?: string;
  readonly year?: number;
  readonly url?: string;
}

/**
 * What a plugin says about itself: its kind and name (kebab-case, unique per
 * kind, never renamed), a one-line summary, the paper, and the zod schema of
 * its hyperparameters (defaults, ranges, descriptions).
 */
export interface PluginManifest<P = unknown> {
  readonly kind: PluginKind;
  readonly name: string;
  readonly aliases?: readonly string[];
  readonly summary: string;
  readonly paper?: PaperRef;
  /** The package that registers it, used in duplicate-name errors. */
  readonly package?: string;
  readonly params: z.ZodType<P>;
  /** Losses and regularizers: which inputs they read (the trainer and the conformance suite use it). */
  readonly io?: LossIO;
}

/**
 * The inputs a loss reads. `output` is the field the trainer fills with the
 * model's output (default `logits`), `target` the field it fills with the
 * batch's `y` (default `labels`).
 */
export interface LossIO {
  readonly required: readonly string[];
  readonly optional?: readonly string[];
  readonly output?: string;
  readonly target?: string;
}

/** A plugin: its manifest and a factory that builds an instance from validated hyperparameters. */
export interface Plugin<P = any, T = unknown> {
  readonly manifest: PluginManifest<P>;
  /** Validates `params` against the manifest (defaults filled in) and builds an instance. */
  create(params?: Partial<P> | Record<string, unknown>): T;
}

/** The input of {@link definePlugin}: a manifest whose `create` receives the complete, validated parameters. */
export interface PluginDefinition<S extends z.ZodType, T> extends Omit<PluginManifest<z.output<S>>, 'params'> {
  readonly params: S;
  create(params: z.output<S>, manifest: PluginManifest<z.output<S>>): T;
}

/**
 * Defines a plugin. The returned `create` validates its argument against
 * `params` before the factory runs, so a plugin is never built from bad
 * hyperparameters, whether it is created through the registry or directly.
 *
 * @example
 * const double = definePlugin({
 *   kind: 'loss', name: 'double-mse', summary: 'Twice the mean squared error.',
 *   params: z.strictObject({}),
 *   create: (_p, manifest) => ({ manifest, compute: ({ predictions, targets }) => ... }),
 * });
 */
export function definePlugin<S extends z.ZodType, T>(definition: PluginDefinition<S, T>): Plugin<z.output<S>, T> {
  const { create, ...rest } = definition;
  const manifest = Object.freeze({ ...rest }) as unknown as PluginManifest<z.output<S>>;
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(manifest.name)) {
    throw new TypeError(`definePlugin: name "${manifest.name}" must be kebab-case (e.g. "cross-entropy").`);
  }
  return Object.freeze({
    manifest,
    create(params?: Record<string, unknown>): T {
      return create(parseParams(manifest, params ?? {}), manifest);
    },
  });
}

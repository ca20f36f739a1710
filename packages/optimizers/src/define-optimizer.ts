import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, isSchedule, parseParams, z, type PaperRef, type Plugin, type Schedule } from '@tessera/core';
import { TransformOptimizer, type BuildContext, type ParamGroup } from './transform-optimizer.js';
import { injectHyperparams } from './transforms/inject-hyperparams.js';
import type { GradientTransformation } from './transform.js';

const PACKAGE = '@tessera/optimizers';

/** Revives schedules stored in `getConfig()` as `{ schedule, params }` (filled in by the schedules module). */
export const scheduleReviver: { create?: (name: string, params: Record<string, unknown>) => Schedule } = {};

/** The `learningRate` field: a number ≥ 0 or a schedule. */
export function learningRateField(def: number, what = 'Learning rate (a number or a schedule with valueAt(step)).') {
  return z
    .union([
      z.number().min(0),
      z.custom<Schedule>((v) => isSchedule(v), { message: 'expected a number ≥ 0 or a schedule with valueAt(step)' }),
    ])
    .default(def)
    .describe(what);
}

const selector = z.union([
  z.array(z.string()),
  z.instanceof(RegExp),
  z.custom<(name: string, p: tf.Tensor) => boolean>((v) => typeof v === 'function', { message: 'expected a list of names, a RegExp or a predicate' }),
]);

/** The `paramGroups` field shared by every optimizer. */
export const paramGroupsField = z
  .array(
    z.looseObject({
      params: selector.describe('Variables of the group: names, a RegExp over names, or a predicate (name, tensor) → boolean.'),
      learningRate: z.number().min(0).optional().describe("The group's learning rate at the base rate."),
      lrMultiplier: z.number().min(0).optional().describe("Multiplier of the optimizer's learning rate for this group."),
    }),
  )
  .default([])
  .describe('Parameter groups: per-group hyperparameters (learningRate, lrMultiplier, weightDecay, …); the first match wins.');

/** The weight-decay mask field: decay every variable, or exclude rank ≤ 1 ones (biases, norm gains). */
export const weightDecayMaskField = z
  .enum(['all', 'bias-and-norm'])
  .default('all')
  .describe("Which variables weight decay applies to: 'all' (PyTorch) or 'bias-and-norm' to exclude rank ≤ 1 variables (biases, norm gains).");

/** Returns the decay mask option for transformations from the validated field. */
export const maskOf = (m: unknown): 'all' | 'bias-and-norm' => (m === 'bias-and-norm' ? 'bias-and-norm' : 'all');

export interface OptimizerDefinition<S extends z.ZodObject> {
  name: string;
  aliases?: string[];
  summary: string;
  paper?: PaperRef;
  /** tfjs serialisation class name (unique, e.g. `Tessera.AdamW`). */
  className: string;
  params: S;
  /** Builds the transformation of one parameter group; `ctx.lr()` is the current learning rate of that group. */
  build(hp: z.output<S>, ctx: BuildContext): GradientTransformation;
  /** A subclass of {@link TransformOptimizer} to instantiate (SAM, Schedule-Free). */
  base?: typeof TransformOptimizer;
}

/** Every optimizer definition of this package by name (wrappers such as SAM and Schedule-Free build their base from it). */
export const optimizerTable = new Map<string, OptimizerDefinition<any>>();

/**
 * Builds the transformation of optimizer `name` from (partial) hyperparameters, validated
 * against its schema, with `ctx` supplying the learning rate (used by wrappers).
 */
export function buildBase(name: string, params: Record<string, unknown>, ctx: BuildContext, who: string): GradientTransformation {
  const def = optimizerTable.get(name);
  if (!def) throw new RangeError(`${who}: unknown base optimizer "${name}" (known: ${[...optimizerTable.keys()].sort().join(', ')}).`);
  const r = def.params.safeParse(params);
  if (!r.success) throw new RangeError(`${who}: baseParams for "${name}": ${r.error.issues.map((x: { path: PropertyKey[]; message: string }) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
  return def.build(r.data, ctx);
}

/** The constructor of a registered optimizer class: takes (partial) hyperparameters. */
export type OptimizerClass = new (params?: Record<string, unknown>) => TransformOptimizer;

/**
 * Defines an optimizer: a {@link TransformOptimizer} subclass registered with
 * `tf.serialization` under `className`, and the registry plugin that creates it.
 */
export function defineOptimizer<S extends z.ZodObject>(def: OptimizerDefinition<S>): { plugin: Plugin<z.output<S>, TransformOptimizer>; Optimizer: OptimizerClass } {
  const label = `optimizer "${def.name}"`;
  optimizerTable.set(def.name, def as OptimizerDefinition<any>);
  const manifestRef: { manifest?: Plugin['manifest'] } = {};
  const Base = def.base ?? TransformOptimizer;
  const revive = (v: unknown): unknown =>
    v && typeof v === 'object' && 'schedule' in (v as object) && scheduleReviver.create
      ? scheduleReviver.create((v as { schedule: string }).schedule, (v as { params: Record<string, unknown> }).params ?? {})
      : v;
  const validate = (params: Record<string, unknown>): { hp: Record<string, unknown>; scheduled: Record<string, Schedule> } => {
    const p: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(params)) p[k] = revive(v);
    // Any numeric hyperparameter may be a schedule: validated at step 0, injected per step.
    const scheduled: Record<string, Schedule> = {};
    for (const [k, v] of Object.entries(p)) {
      if (k !== 'learningRate' && k !== 'paramGroups' && isSchedule(v)) {
        scheduled[k] = v;
        p[k] = v.valueAt(0);
      }
    }
    const hp = parseParams(manifestRef.manifest!, p) as Record<string, unknown>;
    const groups = (hp.paramGroups as ParamGroup[] | undefined) ?? [];
    const partial = def.params.omit({ paramGroups: true } as never).partial();
    groups.forEach((g, i) => {
      const { params: _s, learningRate: _l, lrMultiplier: _m, ...overrides } = g;
      const r = partial.safeParse(overrides);
      if (!r.success) throw new RangeError(`${label}: paramGroups[${i}]: ${r.error.issues.map((x: { path: PropertyKey[]; message: string }) => `${x.path.join('.')}: ${x.message}`).join('; ')}`);
      for (const k of Object.keys(overrides)) g[k] = (r.data as Record<string, unknown>)[k];
    });
    return { hp, scheduled };
  };
  const C = class extends Base {
    static override className = def.className;
    constructor(params: Record<string, unknown> = {}) {
      const { hp, scheduled } = validate(params);
      const base = def.build as (hp: Record<string, unknown>, ctx: BuildContext) => GradientTransformation;
      const build =
        Object.keys(scheduled).length === 0
          ? base
          : (h: Record<string, unknown>, ctx: BuildContext) =>
              injectHyperparams((vals: Record<string, number>) => base({ ...h, ...vals }, ctx), scheduled as Record<string, Schedule>);
      super(hp, build, label);
      this.scheduledHyperparameters = scheduled;
    }
    static override fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
      // tfjs-layers adds its own keys (customObjects, …): keep the hyperparameters only.
      const known = new Set(Object.keys(def.params.shape));
      const hp = Object.fromEntries(Object.entries(config).filter(([k]) => known.has(k)));
      return new cls(hp as never);
    }
  };
  Object.defineProperty(C, 'name', { value: def.className.replace(/^Tessera\./, '') + 'Optimizer' });
  tf.serialization.registerClass(C as never);
  const plugin = definePlugin({
    kind: 'optimizer',
    name: def.name,
    aliases: def.aliases,
    package: PACKAGE,
    summary: def.summary,
    paper: def.paper,
    params: def.params,
    create: (params) => new C(params as Record<string, unknown>),
  });
  manifestRef.manifest = plugin.manifest;
  // The class validates (with the same errors) after taking schedule-valued hyperparameters aside,
  // so the plugin hands the raw parameters to it rather than parsing them first.
  const wrapped = Object.freeze({ manifest: plugin.manifest, create: (params?: Record<string, unknown>) => new C((params ?? {}) as Record<string, unknown>) });
  return { plugin: wrapped as unknown as Plugin<z.output<S>, TransformOptimizer>, Optimizer: C as unknown as OptimizerClass };
}

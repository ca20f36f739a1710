import { z } from '@tessera/core';

/** A plugin named in a config: `"adamw"` or `{ name: "adamw", params: { learningRate: 0.003 } }`. */
export const pluginRefSchema = z.union([
  z.string().min(1),
  z.strictObject({
    name: z.string().min(1).describe('The plugin name (see `tessera list <kind>`).'),
    params: z.record(z.string(), z.unknown()).optional().describe('Hyperparameters (see `tessera describe <kind> <name>`).'),
  }),
]);
export type PluginRefConfig = z.infer<typeof pluginRefSchema>;

/** The training loop settings of a run (`train:` in a config). */
export const trainSectionSchema = z.strictObject({
  epochs: z.int().min(1).default(5).describe('Passes over the training data.'),
  batchSize: z.int().min(1).default(32).describe('Samples per micro-batch.'),
  maxSteps: z.int().min(1).optional().describe('Stop after this many optimizer steps.'),
  accumulationSteps: z.int().min(1).default(1).describe('Micro-batches per optimizer step.'),
  evaluateEvery: z.int().min(1).optional().describe('Evaluate every N steps as well as at the end of each epoch.'),
  gradientClipNorm: z.number().positive().optional().describe('Clip gradients by global norm.'),
  nanPolicy: z.enum(['stop', 'skip']).default('stop').describe('On a non-finite loss or gradient: stop or skip the step.'),
  checkpointEvery: z.int().min(1).default(50).describe('Write a checkpoint every N steps (and at the end of each epoch).'),
});
export type TrainSection = z.output<typeof trainSectionSchema>;

/** The structure of a run config, before the plugin names and hyperparameters are checked against the manifests. */
export const runConfigSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._=+-]+$/, 'letters, digits, ".", "_", "=", "+" and "-" only').optional().describe('Run name (the output folder).'),
  description: z.string().optional(),
  seed: z.int().min(0).default(0).describe('Seeds data order and initialisation.'),
  out: z.string().optional().describe('Output folder (default runs/<name>).'),
  plugins: z.array(z.string()).default([]).describe('Extra plugin modules (paths relative to the config, or package names) whose default export is a ContainerModule.'),
  model: pluginRefSchema.describe('A model from the zoo (`tessera list model`).'),
  data: pluginRefSchema.describe('A dataset (`tessera list dataset`).'),
  loss: pluginRefSchema,
  optimizer: pluginRefSchema,
  schedule: pluginRefSchema.optional(),
  norm: pluginRefSchema.optional().describe('Normalization plugin the model uses (models that have norms).'),
  attention: pluginRefSchema.optional().describe('Attention plugin the model uses (models that attend).'),
  callbacks: z.array(pluginRefSchema).default([]).describe('Callback plugins (`tessera list callback`), run in order at every trainer hook.'),
  miners: z.array(pluginRefSchema).default([]).describe('Miner plugins (`tessera list miner`) applied to the loss inputs in order before the loss.'),
  train: trainSectionSchema.prefault({}),
  metric: z.string().default('val_loss').describe('The metric a sweep ranks runs by.'),
});
export type RunConfigInput = z.input<typeof runConfigSchema>;
export type RunConfigStructure = z.output<typeof runConfigSchema>;

/** Plugin slots of a run config and their kinds. */
export const PLUGIN_SLOTS = [
  ['model', 'model'],
  ['data', 'dataset'],
  ['loss', 'loss'],
  ['optimizer', 'optimizer'],
  ['schedule', 'schedule'],
  ['norm', 'normalization'],
  ['attention', 'attention'],
] as const;
export type PluginSlot = (typeof PLUGIN_SLOTS)[number][0];

/** A plugin reference after validation: its canonical name and complete (defaulted) hyperparameters. */
export interface ResolvedRef {
  readonly name: string;
  /** The hyperparameters as written (what is passed to `create`). */
  readonly params: Record<string, unknown>;
  /** With defaults filled in (for reports). */
  readonly full: Record<string, unknown>;
}

/** A validated run config. */
export interface RunConfig extends Omit<RunConfigStructure, PluginSlot | 'callbacks' | 'miners'> {
  readonly name: string;
  readonly model: ResolvedRef;
  readonly data: ResolvedRef;
  readonly loss: ResolvedRef;
  readonly optimizer: ResolvedRef;
  readonly schedule?: ResolvedRef;
  readonly norm?: ResolvedRef;
  readonly attention?: ResolvedRef;
  readonly callbacks: readonly ResolvedRef[];
  readonly miners: readonly ResolvedRef[];
  /** Absolute paths or package names of the plugin modules. */
  readonly plugins: string[];
  /** The folder relative paths are resolved from. */
  readonly baseDir: string;
}

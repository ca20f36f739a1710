import path from 'node:path';
import { Sfc32Rng, z } from '@tessera/core';
import { ConfigError, zodToConfigIssues, type ConfigIssue } from '../config/issues.js';
import { readConfigFile } from '../config/read-config.js';

const distribution = z.union([
  z.strictObject({ choice: z.array(z.unknown()).min(1).describe('Pick one of these values uniformly.') }),
  z.strictObject({ uniform: z.tuple([z.number(), z.number()]).describe('Uniform in [low, high].') }),
  z.strictObject({ logUniform: z.tuple([z.number().positive(), z.number().positive()]).describe('Log-uniform in [low, high] (learning rates).') }),
  z.strictObject({ intUniform: z.tuple([z.int(), z.int()]).describe('Integer uniform in [low, high].') }),
]);

/** A sweep file: a base run config and what to vary. */
export const sweepConfigSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9._-]+$/).optional().describe('Sweep name (the output folder).'),
  description: z.string().optional(),
  base: z.union([z.string(), z.record(z.string(), z.unknown())]).describe('The run config every run starts from: a path (relative to this file) or an inline mapping.'),
  variants: z
    .array(z.record(z.string(), z.unknown()))
    .default([])
    .describe('Explicit configurations: each a map of dotted paths to values (and an optional `label`), crossed with the grid; for settings that change together (an optimizer and its peak learning rate).'),
  grid: z
    .record(z.string(), z.array(z.unknown()).min(1))
    .default({})
    .describe('Dotted config paths and their values; every combination runs (e.g. `optimizer: [sgd, adam]`, `optimizer.params.learningRate: [0.01, 0.001]`).'),
  random: z
    .strictObject({
      samples: z.int().min(1).max(1000).describe('Random configurations (each combined with every grid point).'),
      seed: z.int().min(0).default(0).describe('Seed of the search.'),
      space: z.record(z.string(), distribution).describe('Dotted config paths and their distributions.'),
    })
    .optional(),
  seeds: z.array(z.int().min(0)).min(1).default([0]).describe('Every configuration runs once per seed.'),
  metric: z.string().default('val_loss').describe('Final metric the leaderboard ranks by (val_loss, val_accuracy, loss, …).'),
  mode: z.enum(['min', 'max']).default('min').describe('Whether a smaller or a larger metric is better.'),
  out: z.string().optional().describe('Output folder (default runs/<name>).'),
});
export type SweepConfig = z.output<typeof sweepConfigSchema>;

/** One configuration of a sweep (before seeds). */
export interface SweepVariant {
  /** Short label, e.g. `optimizer=adam lr=0.001`. */
  readonly label: string;
  /** Path → value. */
  readonly overrides: Record<string, unknown>;
  /** The raw run config (seed not set yet). */
  readonly raw: Record<string, unknown>;
}

/** One run: a variant and a seed. */
export interface SweepRun {
  readonly id: string;
  readonly variant: SweepVariant;
  readonly seed: number;
  readonly raw: Record<string, unknown>;
}

const SLOTS = new Set(['model', 'data', 'loss', 'optimizer', 'schedule', 'norm', 'attention']);
const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/**
 * Sets a dotted path in a run config. A plugin slot written as a string
 * (`optimizer: adam`) becomes `{ name: adam }` when a path goes inside it.
 */
export function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let cur: Record<string, unknown> = target;
  keys.forEach((k, i) => {
    if (i === keys.length - 1) {
      cur[k] = clone(value);
      return;
    }
    let next = cur[k];
    if (typeof next === 'string' && i === 0 && SLOTS.has(k)) next = { name: next };
    if (typeof next !== 'object' || next === null || Array.isArray(next)) next = {};
    cur[k] = next;
    cur = next as Record<string, unknown>;
  });
}

const short = (p: string) => {
  const last = p.split('.').pop()!;
  return p.endsWith('.name') ? p.split('.')[0]! : last === 'learningRate' ? 'lr' : last;
};
const showValue = (v: unknown): string => {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(3)));
  if (typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string') return (v as { name: string }).name;
  return JSON.stringify(v);
};

function sample(rng: Sfc32Rng, d: z.output<typeof distribution>): unknown {
  if ('choice' in d) return d.choice[rng.nextInt(d.choice.length)];
  if ('uniform' in d) return d.uniform[0] + rng.next() * (d.uniform[1] - d.uniform[0]);
  if ('logUniform' in d) {
    const [lo, hi] = d.logUniform.map(Math.log) as [number, number];
    return Number(Math.exp(lo + rng.next() * (hi - lo)).toPrecision(4));
  }
  return d.intUniform[0] + rng.nextInt(d.intUniform[1] - d.intUniform[0] + 1);
}

/** Every combination of the grid, times the random samples. */
export function expandVariants(sweep: SweepConfig, base: Record<string, unknown>): SweepVariant[] {
  let points: Record<string, unknown>[] = sweep.variants.length ? sweep.variants.map((v) => ({ ...v })) : [{}];
  for (const [p, values] of Object.entries(sweep.grid)) points = points.flatMap((pt) => values.map((v) => ({ ...pt, [p]: v })));
  if (sweep.random) {
    const rng = new Sfc32Rng(sweep.random.seed);
    const space = Object.entries(sweep.random.space);
    points = points.flatMap((pt) =>
      Array.from({ length: sweep.random!.samples }, () => ({ ...pt, ...Object.fromEntries(space.map(([p, d]) => [p, sample(rng, d)])) })),
    );
  }
  return points.map((overrides) => {
    const { label: given, ...paths } = overrides;
    const raw = clone(base);
    for (const [p, v] of Object.entries(paths)) setPath(raw, p, v);
    const auto = Object.entries(paths).map(([p, v]) => `${short(p)}=${showValue(v)}`).join(' ');
    const gridPart = Object.keys(sweep.grid).map((p) => `${short(p)}=${showValue(paths[p])}`).join(' ');
    const label = typeof given === 'string' ? [given, gridPart].filter(Boolean).join(' ') : auto || 'base';
    return { label, overrides: paths, raw };
  });
}

const slug = (s: string) => s.replace(/[^A-Za-z0-9.=-]+/g, '_').replace(/_+/g, '_').slice(0, 60);

/** Variants × seeds, with folder-safe ids. */
export function expandRuns(sweep: SweepConfig, variants: readonly SweepVariant[]): SweepRun[] {
  const width = String(variants.length).length;
  return variants.flatMap((variant, i) =>
    sweep.seeds.map((seed) => {
      const raw = clone(variant.raw);
      raw['seed'] = seed;
      raw['name'] = `${String(i + 1).padStart(width, '0')}-${slug(variant.label)}-s${seed}`;
      delete raw['out'];
      return { id: raw['name'] as string, variant, seed, raw };
    }),
  );
}

/** Reads a sweep file and its base config; structural errors are reported all at once. */
export function readSweepConfig(file: string): { sweep: SweepConfig; base: Record<string, unknown>; baseFile: string } {
  const raw = readConfigFile(file);
  const parsed = sweepConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(file, zodToConfigIssues(sweepConfigSchema, raw, parsed.error.issues, ''));
  const sweep = parsed.data;
  const dir = path.dirname(path.resolve(file));
  let base: unknown;
  let baseFile = file;
  if (typeof sweep.base === 'string') {
    baseFile = path.resolve(dir, sweep.base);
    base = readConfigFile(baseFile);
  } else base = sweep.base;
  if (typeof base !== 'object' || base === null || Array.isArray(base)) {
    const issue: ConfigIssue = { path: 'base', message: 'the base config must be a mapping' };
    throw new ConfigError(file, [issue]);
  }
  return { sweep, base: base as Record<string, unknown>, baseFile };
}

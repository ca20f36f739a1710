import fs from 'node:fs';
import path from 'node:path';
import { PluginRegistryToken, type ProgressReporter } from '@tessera/core';
import { ConfigError, type ConfigIssue } from '../config/issues.js';
import { loadPluginModules, workbenchContainer } from '../config/load-modules.js';
import type { RunConfig } from '../config/schema.js';
import { validateRunConfig } from '../config/validate-config.js';
import { runTraining, type RunSummary } from '../run/run-training.js';
import { leaderboard, leaderboardMarkdown, type LeaderboardRow } from './leaderboard.js';
import { expandRuns, expandVariants, readSweepConfig, type SweepConfig } from './sweep-config.js';

/** What `sweep.json` holds: the sweep and its runs, in order. */
export interface SweepManifest {
  readonly name: string;
  readonly metric: string;
  readonly mode: 'min' | 'max';
  readonly seeds: readonly number[];
  readonly runs: readonly { id: string; label: string; seed: number; overrides: Record<string, unknown> }[];
}

/** A progress view shared by the runs of a sweep. */
export interface SweepProgress {
  /** The reporter a run's trainer uses. */
  runReporter(index: number, total: number, id: string): ProgressReporter;
  runDone(index: number, total: number, id: string, summary: RunSummary, metric: string): void;
  stop(): void;
}

export interface SweepOptions {
  readonly outDir?: string;
  /** Skip runs that completed; resume interrupted ones from their checkpoints. */
  readonly resume?: boolean;
  readonly signal?: AbortSignal;
  readonly progress?: SweepProgress;
  /** Validate and list the runs, run nothing. */
  readonly dryRun?: boolean;
}

export interface SweepResult {
  readonly outDir: string;
  readonly manifest: SweepManifest;
  readonly leaderboard: readonly LeaderboardRow[];
  readonly interrupted: boolean;
  readonly summaries: readonly (RunSummary | undefined)[];
}

/**
 * Runs a sweep: expands the grid and random search × seeds, validates every
 * configuration against the manifests before the first run (all issues at
 * once), runs them one after another (metrics as JSON Lines and checkpoints
 * per run), and writes `leaderboard.json` / `leaderboard.md` (mean ± std of
 * the final metric over seeds, steps/s).
 */
export async function runSweep(file: string, opts: SweepOptions = {}): Promise<SweepResult> {
  const { sweep, base, baseFile } = readSweepConfig(file);
  const baseDir = path.dirname(path.resolve(baseFile));
  const name = sweep.name ?? path.basename(file).replace(/\.(ya?ml|json)$/i, '');
  const outDir = path.resolve(opts.outDir ?? sweep.out ?? path.join('runs', name));
  const variants = expandVariants(sweep, base);
  const runs = expandRuns(sweep, variants);

  // Validate every configuration first.
  const specs = Array.isArray(base['plugins']) ? base['plugins'].filter((p): p is string => typeof p === 'string') : [];
  const { modules, issues: loadIssues } = await loadPluginModules(specs, baseDir);
  const registry = workbenchContainer(modules).get(PluginRegistryToken);
  const issues: ConfigIssue[] = [...loadIssues];
  const seen = new Set<string>();
  const configs = new Map<string, RunConfig>();
  for (const run of runs) {
    try {
      configs.set(run.id, validateRunConfig(run.raw, { file: baseFile, baseDir, registry }));
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      for (const i of e.issues) {
        const key = `${i.path}|${i.message}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const where = run.variant.label === 'base' ? '' : ` (in "${run.variant.label}")`;
        issues.push({ ...i, message: `${i.message}${where}` });
      }
    }
  }
  if (issues.length) throw new ConfigError(file, issues);

  const manifest: SweepManifest = {
    name,
    metric: sweep.metric,
    mode: sweep.mode,
    seeds: sweep.seeds,
    runs: runs.map((r) => ({ id: r.id, label: r.variant.label, seed: r.seed, overrides: r.variant.overrides })),
  };
  fs.mkdirSync(path.join(outDir, 'runs'), { recursive: true });
  fs.writeFileSync(path.join(outDir, 'sweep.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  if (opts.dryRun) return { outDir, manifest, leaderboard: [], interrupted: false, summaries: [] };

  const summaries: (RunSummary | undefined)[] = [];
  let interrupted = false;
  try {
    for (const [i, run] of runs.entries()) {
      const runDir = path.join(outDir, 'runs', run.id);
      const summaryFile = path.join(runDir, 'summary.json');
      if (opts.resume && fs.existsSync(summaryFile)) {
        const prior = JSON.parse(fs.readFileSync(summaryFile, 'utf8')) as RunSummary;
        if (prior.stopReason !== 'interrupted') {
          summaries.push(prior);
          opts.progress?.runDone(i, runs.length, run.id, prior, sweep.metric);
          continue;
        }
      }
      if (opts.signal?.aborted) {
        interrupted = true;
        break;
      }
      const summary = await runTraining(configs.get(run.id)!, {
        outDir: runDir,
        modules,
        resume: Boolean(opts.resume),
        ...(opts.signal ? { signal: opts.signal } : {}),
        ...(opts.progress ? { reporter: opts.progress.runReporter(i, runs.length, run.id) } : {}),
      });
      summaries.push(summary);
      opts.progress?.runDone(i, runs.length, run.id, summary, sweep.metric);
      if (summary.stopReason === 'interrupted') {
        interrupted = true;
        break;
      }
    }
  } finally {
    opts.progress?.stop();
  }
  const rows = writeLeaderboard(outDir, manifest, summaries);
  return { outDir, manifest, leaderboard: rows, interrupted, summaries };
}

/** Computes and writes the leaderboard of the runs that finished. */
export function writeLeaderboard(outDir: string, manifest: SweepManifest, summaries: readonly (RunSummary | undefined)[]): LeaderboardRow[] {
  const rows = leaderboard(
    manifest.runs.map((r, i) => ({ label: r.label, seed: r.seed, summary: summaries[i] })),
    manifest.metric,
    manifest.mode,
  );
  fs.writeFileSync(path.join(outDir, 'leaderboard.json'), `${JSON.stringify({ metric: manifest.metric, mode: manifest.mode, rows }, null, 2)}\n`);
  fs.writeFileSync(path.join(outDir, 'leaderboard.md'), `${leaderboardMarkdown(rows, manifest.metric, manifest.mode)}\n`);
  return rows;
}

export type { SweepConfig };

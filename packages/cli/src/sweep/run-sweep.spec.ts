import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError } from '../config/issues.js';
import { collectReport, writeReport } from '../report/write-report.js';
import { leaderboard, meanStd } from './leaderboard.js';
import { runSweep } from './run-sweep.js';
import { expandRuns, expandVariants, setPath, sweepConfigSchema } from './sweep-config.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-sweep-'));

const base = {
  model: { name: 'mlp', params: { hidden: 8, layers: 1 } },
  data: { name: 'digits', params: { limit: 64 } },
  loss: 'cross-entropy',
  optimizer: 'sgd',
  train: { epochs: 1, batchSize: 32 },
};

describe('sweep expansion', () => {
  it('crosses the grid, then the random samples, then the seeds', () => {
    const sweep = sweepConfigSchema.parse({
      base,
      grid: { optimizer: ['sgd', 'adam'] },
      random: { samples: 2, space: { 'optimizer.params.learningRate': { logUniform: [1e-3, 1e-1] } } },
      seeds: [0, 1, 2],
    });
    const variants = expandVariants(sweep, base);
    expect(variants).toHaveLength(4);
    expect(variants.map((v) => (v.raw['optimizer'] as { name: string }).name)).toEqual(['sgd', 'sgd', 'adam', 'adam']);
    for (const v of variants) {
      const lr = (v.raw['optimizer'] as { params: { learningRate: number } }).params.learningRate;
      expect(lr).toBeGreaterThanOrEqual(1e-3);
      expect(lr).toBeLessThanOrEqual(1e-1);
    }
    const runs = expandRuns(sweep, variants);
    expect(runs).toHaveLength(12);
    expect(new Set(runs.map((r) => r.id)).size).toBe(12);
    expect(runs.map((r) => r.seed).slice(0, 3)).toEqual([0, 1, 2]);
    // The base is never mutated.
    expect(base.optimizer).toBe('sgd');
  });

  it('explicit variants carry settings that change together, with their own labels', () => {
    const sweep = sweepConfigSchema.parse({
      base,
      variants: [
        { label: 'sgd-nesterov', optimizer: { name: 'sgd', params: { momentum: 0.9, nesterov: true } }, 'schedule.params.peakValue': 0.1 },
        { optimizer: 'adam', 'schedule.params.peakValue': 0.003 },
      ],
      grid: { 'model.params.hidden': [8, 16] },
    });
    const variants = expandVariants(sweep, { ...base, schedule: { name: 'warmup-cosine-decay', params: { warmupSteps: 2, decaySteps: 10 } } });
    expect(variants.map((v) => v.label)).toEqual(['sgd-nesterov hidden=8', 'sgd-nesterov hidden=16', 'optimizer=adam peakValue=0.003 hidden=8', 'optimizer=adam peakValue=0.003 hidden=16']);
    expect(variants[0]!.raw['schedule']).toEqual({ name: 'warmup-cosine-decay', params: { warmupSteps: 2, decaySteps: 10, peakValue: 0.1 } });
    expect(variants[0]!.raw['optimizer']).toEqual({ name: 'sgd', params: { momentum: 0.9, nesterov: true } });
  });

  it('setPath turns a plugin given by name into { name, params } when a path goes inside it', () => {
    const cfg: Record<string, unknown> = { optimizer: 'adam' };
    setPath(cfg, 'optimizer.params.learningRate', 0.1);
    expect(cfg).toEqual({ optimizer: { name: 'adam', params: { learningRate: 0.1 } } });
  });

  it('mean ± std uses the sample standard deviation and ranks by mode', () => {
    expect(meanStd([1, 2, 3])).toEqual({ mean: 2, std: 1 });
    expect(meanStd([5])).toEqual({ mean: 5, std: 0 });
    const s = (v: number) => ({ final: { val_accuracy: v, loss: 1 }, stopReason: 'completed', stepsPerSecond: 10 }) as never;
    const rows = leaderboard(
      [
        { label: 'a', seed: 0, summary: s(0.5) },
        { label: 'a', seed: 1, summary: s(0.7) },
        { label: 'b', seed: 0, summary: s(0.9) },
        { label: 'c', seed: 0 },
      ],
      'val_accuracy',
      'max',
    );
    expect(rows.map((r) => [r.label, r.rank, r.runs])).toEqual([['b', 1, 1], ['a', 2, 2], ['c', 3, 0]]);
    expect(rows[1]!.mean).toBeCloseTo(0.6, 12);
    expect(rows[1]!.std).toBeCloseTo(Math.sqrt(0.02), 12);
  });
});

describe('runSweep', () => {
  it('validates every configuration before the first run and reports all issues at once', async () => {
    const dir = tmp();
    const file = path.join(dir, 'sweep.yaml');
    fs.writeFileSync(file, stringify({ base, grid: { optimizer: ['sgd', 'adamm', { name: 'adam', params: { beta1: 2 } }] }, out: path.join(dir, 'out') }));
    const err = await runSweep(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    const issues = (err as ConfigError).issues;
    expect(issues.map((i) => i.path).sort()).toEqual(['optimizer', 'optimizer.params.beta1']);
    expect(issues.find((i) => i.path === 'optimizer')!.fix).toMatch(/^"adam"/);
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });

  it('an interrupted sweep resumes: finished runs are kept, the interrupted run continues exactly', async () => {
    const dir = tmp();
    const spec = (out: string) =>
      stringify({ name: 'resumable', base: { ...base, train: { epochs: 2, batchSize: 32, checkpointEvery: 1 } }, grid: { optimizer: ['sgd', 'adam'] }, seeds: [0], out });
    const file = path.join(dir, 'sweep.yaml');
    fs.writeFileSync(file, spec(path.join(dir, 'cut')));
    const reference = await runSweep(file, { outDir: path.join(dir, 'full') });

    // Abort during the second run (Ctrl-C in the CLI aborts the same signal).
    const controller = new AbortController();
    const silent = { start() {}, log() {}, stop() {} };
    const progress = {
      runReporter: (i: number) => ({ ...silent, update: (done: number) => void (i === 1 && done >= 2 && controller.abort()) }),
      runDone() {},
      stop() {},
    };
    const cut = await runSweep(file, { signal: controller.signal, progress });
    expect(cut.interrupted).toBe(true);
    expect(cut.summaries.map((s) => s?.stopReason)).toEqual(['completed', 'interrupted']);

    const resumed = await runSweep(file, { resume: true });
    expect(resumed.interrupted).toBe(false);
    expect(resumed.summaries[1]!.resumedFrom).toBe(2);
    expect(resumed.summaries.map((s) => s!.final['loss'])).toEqual(reference.summaries.map((s) => s!.final['loss']));
    expect(resumed.leaderboard.map((r) => [r.label, r.mean])).toEqual(reference.leaderboard.map((r) => [r.label, r.mean]));
  });

  it('runs configurations × seeds, writes metrics per run, a leaderboard and a report', async () => {
    const dir = tmp();
    const file = path.join(dir, 'sweep.yaml');
    fs.writeFileSync(
      file,
      stringify({
        name: 'tiny',
        base: { ...base, schedule: { name: 'cosine-decay', params: { initValue: 0.1, decaySteps: 2 } } },
        grid: { optimizer: ['sgd', 'adam'] },
        seeds: [0, 1],
        metric: 'val_accuracy',
        mode: 'max',
        out: path.join(dir, 'out'),
      }),
    );
    const result = await runSweep(file);
    expect(result.summaries).toHaveLength(4);
    expect(result.leaderboard).toHaveLength(2);
    for (const row of result.leaderboard) {
      expect(row.runs).toBe(2);
      expect(Number.isFinite(row.mean)).toBe(true);
      expect(row.stepsPerSecond).toBeGreaterThan(0);
    }
    const md = fs.readFileSync(path.join(result.outDir, 'leaderboard.md'), 'utf8');
    expect(md).toContain('optimizer=sgd');
    expect(md).toContain('optimizer=adam');
    for (const r of result.manifest.runs) expect(fs.existsSync(path.join(result.outDir, 'runs', r.id, 'metrics.jsonl'))).toBe(true);

    const data = collectReport(result.outDir);
    expect(data.runs).toHaveLength(4);
    const report = await writeReport(result.outDir);
    const html = fs.readFileSync(report.html, 'utf8');
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html).toContain('<svg');
    expect(html).toContain('Training loss');
    expect(html).toContain('Learning rate');
    expect(html).toContain('Validation val accuracy'.replace('val accuracy', 'accuracy'));
    expect(report.pngs.length).toBeGreaterThanOrEqual(3);
    for (const p of report.pngs) expect(fs.readFileSync(p).subarray(1, 4).toString()).toBe('PNG');
  });
});

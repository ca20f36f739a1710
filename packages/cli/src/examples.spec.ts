/**
 * Runs every example config in a shortened form (one seed, a few steps), so
 * a change that breaks an example fails here. The full examples run with
 * `tessera sweep <example>/sweep.yaml`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PluginRegistryToken } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { workbenchContainer } from './config/load-modules.js';
import { readConfigFile } from './config/read-config.js';
import { loadRunConfig } from './config/validate-config.js';
import { runSweep } from './sweep/run-sweep.js';
import { setPath } from './sweep/sweep-config.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const registry = workbenchContainer().get(PluginRegistryToken);

/** Writes a shortened copy of an example sweep: base inlined with `overrides`, plugin paths absolute, one seed, grid/variants cut to `keep`. */
function shortSweep(sweepFile: string, overrides: Record<string, unknown>, keep = 2): string {
  const sweep = readConfigFile(sweepFile) as Record<string, unknown>;
  const baseFile = path.resolve(path.dirname(sweepFile), sweep['base'] as string);
  const base = readConfigFile(baseFile) as Record<string, unknown>;
  for (const [p, v] of Object.entries(overrides)) setPath(base, p, v);
  if (Array.isArray(base['plugins'])) base['plugins'] = base['plugins'].map((p: string) => path.resolve(path.dirname(baseFile), p));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-example-'));
  const short: Record<string, unknown> = { ...sweep, base, seeds: [0], out: path.join(dir, 'out') };
  if (Array.isArray(sweep['variants'])) short['variants'] = sweep['variants'].slice(0, keep);
  if (sweep['grid']) short['grid'] = Object.fromEntries(Object.entries(sweep['grid'] as Record<string, unknown[]>).map(([k, v], i) => [k, i === 0 ? v.slice(0, keep) : v.slice(0, 1)]));
  const file = path.join(dir, 'sweep.yaml');
  fs.writeFileSync(file, stringify(short));
  return file;
}

async function expectSweepRuns(file: string, runs: number) {
  const result = await runSweep(file);
  expect(result.interrupted).toBe(false);
  expect(result.summaries).toHaveLength(runs);
  for (const s of result.summaries) {
    expect(s!.stopReason).toBe('completed');
    expect(Number.isFinite(s!.final['loss'])).toBe(true);
  }
  expect(result.leaderboard.every((r) => Number.isFinite(r.mean))).toBe(true);
  return result;
}

describe('examples (shortened)', () => {
  it('digits: train.yaml validates; the optimizer sweep runs', async () => {
    const { config } = await loadRunConfig(path.join(root, 'examples/digits/train.yaml'));
    expect(config.train.epochs).toBe(12);
    const file = shortSweep(path.join(root, 'examples/digits/sweep.yaml'), {
      'data.params.limit': 64,
      'train.epochs': 1,
      'train.batchSize': 32,
      'schedule.params.warmupSteps': 1,
      'schedule.params.decaySteps': 2,
    }, 3);
    const r = await expectSweepRuns(file, 3);
    expect(r.leaderboard.map((row) => row.label).sort()).toEqual(['adam', 'adamw', 'sgd-nesterov']);
  });

  it('custom plugin: a loss from user code is listed, validated and trained against cross-entropy', async () => {
    const { config, registry: withPlugin } = await loadRunConfig(path.join(root, 'examples/custom-plugin/train.yaml'));
    expect(config.loss.name).toBe('brier');
    expect(withPlugin.describe('loss', 'brier').params.map((p) => p.name)).toEqual(['scale']);
    const file = shortSweep(path.join(root, 'examples/custom-plugin/sweep.yaml'), { 'data.params.limit': 64, 'train.epochs': 1, 'train.batchSize': 32 });
    const r = await expectSweepRuns(file, 2);
    expect(r.leaderboard.map((row) => row.label).sort()).toEqual(['loss=brier', 'loss=cross-entropy']);
  });

  it('char-lm: the attention × norm grid runs', async () => {
    const file = shortSweep(path.join(root, 'packages/cli/examples/char-lm/sweep.yaml'), {
      'data.params.trainSamples': 16,
      'data.params.validationSamples': 4,
      'data.params.contextLength': 8,
      'model.params.dModel': 8,
      'train.epochs': 1,
      'train.batchSize': 8,
      'schedule.params.warmupSteps': 1,
      'schedule.params.decaySteps': 2,
    });
    await expectSweepRuns(file, 2);
  });

  const losses = ['info-nce', 'multiple-negatives-ranking'].filter((l) => !registry.has('loss', l));
  if (losses.length) console.warn(`embeddings example skipped: @tessera/losses does not register ${losses.join(', ')} yet`);
  it.skipIf(losses.length > 0)('embeddings: the in-batch-negatives loss sweep runs', async () => {
    const file = shortSweep(
      path.join(root, 'examples/embeddings/sweep.yaml'),
      { 'data.params.trainPairs': 32, 'data.params.validationPairs': 16, 'train.epochs': 1, 'train.batchSize': 16, 'schedule.params.warmupSteps': 1, 'schedule.params.decaySteps': 2 },
      3,
    );
    await expectSweepRuns(file, 3);
  });
});

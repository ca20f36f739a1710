import fs from 'node:fs';
import path from 'node:path';
import { FileCheckpointStore } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { lastStep, runCli, startCli, tmp, waitFor } from './helpers.js';

// Long enough (48 steps) that the kill lands mid-run, short enough for CI.
const config = {
  name: 'kill-test',
  seed: 3,
  model: { name: 'mlp', params: { hidden: 16, layers: 1 } },
  data: { name: 'digits', params: { limit: 512 } },
  loss: 'cross-entropy',
  optimizer: { name: 'adamw', params: { learningRate: 0.005 } },
  schedule: { name: 'cosine-decay', params: { initValue: 0.005, decaySteps: 48 } },
  // A checkpoint after every step: a kill often lands while one is being written.
  train: { epochs: 3, batchSize: 32, checkpointEvery: 1 },
};

const summaryOf = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'summary.json'), 'utf8')) as { steps: number; final: Record<string, number>; resumedFrom?: number; stopReason: string };

describe('tessera train: checkpoints and resume (built binary)', { timeout: 120_000 }, () => {
  const dir = tmp();
  const file = path.join(dir, 'train.yaml');
  fs.writeFileSync(file, stringify(config));
  const full = path.join(dir, 'full');
  let reference: ReturnType<typeof summaryOf>;

  it('runs uninterrupted', async () => {
    const r = await runCli(['train', file, '--out', full, '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    reference = summaryOf(full);
    expect(reference.steps).toBe(48);
  });

  it('SIGKILL mid-run leaves the last complete checkpoint loadable; --resume gives the same final loss', async () => {
    const out = path.join(dir, 'killed');
    const { child, done } = startCli(['train', file, '--out', out, '--quiet']);
    await waitFor(() => lastStep(path.join(out, 'metrics.jsonl')) >= 20);
    child.kill('SIGKILL');
    const killed = await done;
    expect(killed.signal).toBe('SIGKILL');
    expect(fs.existsSync(path.join(out, 'summary.json'))).toBe(false);

    const store = new FileCheckpointStore();
    const latest = await store.latest(path.join(out, 'checkpoints'));
    expect(latest).toBeDefined();
    const ckpt = await store.load(latest!);
    expect(ckpt.step).toBeGreaterThanOrEqual(19);
    expect(ckpt.step).toBeLessThan(48);

    const r = await runCli(['train', file, '--out', out, '--quiet', '--resume']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`resumed from step ${ckpt.step}`));
    const resumed = summaryOf(out);
    expect(resumed.resumedFrom).toBe(ckpt.step);
    expect(resumed.steps).toBe(48);
    expect(resumed.final['loss']).toBe(reference.final['loss']);
    expect(resumed.final['val_loss']).toBe(reference.final['val_loss']);
  });

  it('Ctrl-C (SIGINT) writes a checkpoint and exits cleanly with 130; --resume finishes the same run', async () => {
    const out = path.join(dir, 'interrupted');
    const { child, done } = startCli(['train', file, '--out', out, '--quiet']);
    await waitFor(() => lastStep(path.join(out, 'metrics.jsonl')) >= 10);
    child.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('--resume');
    const stopped = summaryOf(out);
    expect(stopped.stopReason).toBe('interrupted');
    const latest = await new FileCheckpointStore().latest(path.join(out, 'checkpoints'));
    expect(latest).toMatch(new RegExp(`ckpt-0*${stopped.steps}\\.tsr$`));

    const again = await runCli(['train', file, '--out', out, '--quiet', '--resume']);
    expect(again.code, again.stderr).toBe(0);
    expect(summaryOf(out).final['loss']).toBe(reference.final['loss']);
  });
});

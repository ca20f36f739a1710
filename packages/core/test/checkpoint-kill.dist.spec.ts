// SIGKILL a process while it writes checkpoints, many times, at random
// moments: the newest checkpoint must always load, whole and consistent.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileCheckpointStore } from '@tessera/core';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./fixtures/write-checkpoints.mjs', import.meta.url));

function runAndKill(dir: string, afterMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let written = 0;
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (d: Buffer) => {
      written += d.toString().split('\n').filter(Boolean).length;
      // Start the clock once the first checkpoint exists, so kills land in later writes.
      if (written === 1) timer = setTimeout(() => child.kill('SIGKILL'), afterMs);
    });
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      if (signal !== 'SIGKILL') reject(new Error(`writer exited without being killed (${signal})`));
      else resolve(written);
    });
  });
}

describe('checkpoints under SIGKILL', () => {
  it('the latest checkpoint is always complete and loadable', async () => {
    const store = new FileCheckpointStore();
    for (let trial = 0; trial < 8; trial++) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-kill-'));
      const written = await runAndKill(dir, 5 + ((trial * 37) % 120));
      const latest = await store.latest(dir);
      expect(latest, `trial ${trial}: a checkpoint exists`).toBeDefined();
      const data = await store.load(latest!);
      expect(data.step).toBeGreaterThanOrEqual(written);
      const w = data.tensors['w']!.values as Float32Array;
      expect(w.length).toBe(2_000_000);
      expect(w[0]).toBe(data.step);
      expect(w[w.length - 1]).toBe(data.step);
    }
  }, 120_000);
});

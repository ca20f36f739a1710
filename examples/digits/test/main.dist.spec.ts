// The digits example, run as a user runs it (tsx over the built packages),
// in a shortened form: a short run, Ctrl-C, and SIGKILL then --resume.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileCheckpointStore } from '@tessera/core';
import { describe, expect, it } from 'vitest';

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-digits-'));

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  out: string;
}

function run(args: string[], opts: { killAfterLine?: RegExp; signal?: NodeJS.Signals } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { cwd: dir, env: { ...process.env, TESSERA_BACKEND: 'wasm' } });
    let out = '';
    let sent = false;
    const onData = (d: Buffer) => {
      out += d.toString();
      if (opts.killAfterLine && !sent && opts.killAfterLine.test(out)) {
        sent = true;
        child.kill(opts.signal ?? 'SIGKILL');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code, signal) => resolve({ code, signal, out }));
  });
}

const result = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as { steps: number; history: number[]; final: Record<string, number>; stopReason: string };

describe('examples/digits', () => {
  it('trains in a shortened run, reporting the backend, progress and accuracy', async () => {
    const ckpt = tmp();
    const r = await run(['--epochs', '3', '--target-accuracy', '0.85', '--checkpoints', ckpt]);
    expect(r.out).toContain('tessera: backend wasm');
    expect(r.out).toMatch(/epoch 3\/3 {2}loss/);
    expect(r.out).toMatch(/digits: completed after 69 steps on wasm; test loss [\d.]+, test accuracy [\d.]+%/);
    expect(r.code).toBe(0);
  }, 120_000);

  it('Ctrl-C writes a checkpoint and exits cleanly', async () => {
    const ckpt = tmp();
    const r = await run(['--epochs', '50', '--checkpoints', ckpt], { killAfterLine: /epoch 1\/50/, signal: 'SIGINT' });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/digits: interrupted after \d+ steps/);
    const latest = await new FileCheckpointStore().latest(ckpt);
    expect(latest).toBeDefined();
  }, 120_000);

  it('after SIGKILL, --resume reaches the same final loss as an uninterrupted run', async () => {
    const args = ['--epochs', '4', '--checkpoint-every', '5', '--target-accuracy', '0'];
    const whole = tmp();
    await run([...args, '--checkpoints', whole, '--result-file', path.join(whole, 'r.json')]);
    const cut = tmp();
    const killed = await run([...args, '--checkpoints', cut], { killAfterLine: /epoch 2\/4/ });
    expect(killed.signal).toBe('SIGKILL');
    const latest = await new FileCheckpointStore().latest(cut);
    expect(latest, 'a complete checkpoint survives the kill').toBeDefined();
    const resumed = await run([...args, '--checkpoints', cut, '--resume', '--result-file', path.join(cut, 'r.json')]);
    expect(resumed.out).toContain('resumed from step');
    const a = result(path.join(whole, 'r.json'));
    const b = result(path.join(cut, 'r.json'));
    expect(b.steps).toBe(a.steps);
    expect(b.history).toEqual(a.history);
    expect(b.final['val_loss']).toBe(a.final['val_loss']);
  }, 240_000);
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointError } from '../errors.js';
import { FileCheckpointStore } from './checkpoint-store.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-ckpt-'));
const data = (step: number) => ({
  step,
  tensors: { w: { dtype: 'float32' as const, shape: [2], values: Float32Array.of(step, -step) }, n: { dtype: 'int32' as const, shape: [], values: Int32Array.of(step) } },
  meta: { note: `step ${step}` },
});

describe('FileCheckpointStore', () => {
  it('round-trips tensors and metadata', async () => {
    const store = new FileCheckpointStore();
    const dir = tmp();
    const file = await store.save(dir, data(7));
    const back = await store.load(file);
    expect(back.step).toBe(7);
    expect(Array.from(back.tensors['w']!.values)).toEqual([7, -7]);
    expect(Array.from(back.tensors['n']!.values)).toEqual([7]);
    expect(back.meta).toEqual({ note: 'step 7' });
    expect(await store.latest(dir)).toBe(file);
  });

  it('keeps the newest `keep` checkpoints', async () => {
    const store = new FileCheckpointStore(2);
    const dir = tmp();
    for (const s of [1, 2, 3]) await store.save(dir, data(s));
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tsr'))).toEqual(['ckpt-000000002.tsr', 'ckpt-000000003.tsr']);
  });

  it('never offers a half-written checkpoint: a truncated newest file is skipped for the previous one', async () => {
    const store = new FileCheckpointStore();
    const dir = tmp();
    const good = await store.save(dir, data(1));
    const bad = await store.save(dir, data(2));
    const bytes = fs.readFileSync(bad);
    fs.writeFileSync(bad, bytes.subarray(0, bytes.byteLength - 3)); // as if killed mid-write without the rename
    await expect(store.load(bad)).rejects.toThrow(CheckpointError);
    expect(await store.latest(dir)).toBe(good);
  });

  it('ignores leftover temporary files of an interrupted write', async () => {
    const store = new FileCheckpointStore();
    const dir = tmp();
    const good = await store.save(dir, data(1));
    fs.writeFileSync(path.join(dir, 'ckpt-000000002.tsr.123.456.tmp'), 'partial');
    expect(await store.latest(dir)).toBe(good);
  });

  it('reports no checkpoint in an empty or missing directory', async () => {
    const store = new FileCheckpointStore();
    expect(await store.latest(path.join(tmp(), 'none'))).toBeUndefined();
  });
});

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ServiceIdentifier } from 'inversify';
import { CheckpointError } from '../errors.js';

/** A tensor's values on the host, as a checkpoint holds them. */
export interface SerializedTensor {
  readonly dtype: 'float32' | 'int32' | 'bool';
  readonly shape: readonly number[];
  readonly values: Float32Array | Int32Array | Uint8Array;
}

/** Everything a checkpoint holds: named tensors and JSON metadata. */
export interface CheckpointData {
  readonly step: number;
  readonly tensors: Readonly<Record<string, SerializedTensor>>;
  readonly meta: Readonly<Record<string, unknown>>;
}

/**
 * Where checkpoints are kept. The default writes files; rebind the token to
 * keep them elsewhere (memory, object storage).
 */
export interface CheckpointStore {
  /** Writes a checkpoint atomically; returns its path (or id). */
  save(dir: string, data: CheckpointData): Promise<string>;
  /** The newest complete checkpoint in `dir`, or undefined. */
  latest(dir: string): Promise<string | undefined>;
  /** Reads a checkpoint; throws {@link CheckpointError} if it is incomplete or corrupt. */
  load(pathOrId: string): Promise<CheckpointData>;
}
export const CheckpointStoreToken: ServiceIdentifier<CheckpointStore> = Symbol.for('@tessera/core/CheckpointStore');

const MAGIC = Buffer.from('TSRCKPT1');
const BYTES: Record<SerializedTensor['dtype'], number> = { float32: 4, int32: 4, bool: 1 };

interface Header {
  step: number;
  meta: Record<string, unknown>;
  tensors: { key: string; dtype: SerializedTensor['dtype']; shape: number[]; offset: number; length: number }[];
  sha256: string;
}

/**
 * File checkpoints: `<dir>/ckpt-<step>.tsr` (magic, header length, JSON
 * header with a SHA-256 of the payload, then the raw tensor bytes) and a
 * `<dir>/latest` pointer. Every file is written to a temporary name, synced
 * and renamed, so a process killed at any moment leaves either the previous
 * complete checkpoint or the new one, never a half-written file under a
 * final name. Keeps the newest `keep` checkpoints.
 */
export class FileCheckpointStore implements CheckpointStore {
  constructor(readonly keep = 3) {}

  async save(dir: string, data: CheckpointData): Promise<string> {
    fs.mkdirSync(dir, { recursive: true });
    const parts: Buffer[] = [];
    const tensors: Header['tensors'] = [];
    let offset = 0;
    for (const [key, t] of Object.entries(data.tensors)) {
      const buf = Buffer.from(t.values.buffer, t.values.byteOffset, t.values.byteLength);
      tensors.push({ key, dtype: t.dtype, shape: [...t.shape], offset, length: buf.byteLength });
      parts.push(buf);
      offset += buf.byteLength;
    }
    const payload = Buffer.concat(parts);
    const header: Header = { step: data.step, meta: { ...data.meta }, tensors, sha256: createHash('sha256').update(payload).digest('hex') };
    const headerBuf = Buffer.from(JSON.stringify(header), 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32LE(headerBuf.byteLength);
    const file = path.join(dir, `ckpt-${String(data.step).padStart(9, '0')}.tsr`);
    writeAtomic(file, Buffer.concat([MAGIC, len, headerBuf, payload]));
    writeAtomic(path.join(dir, 'latest'), Buffer.from(path.basename(file), 'utf8'));
    this.#prune(dir);
    return file;
  }

  async latest(dir: string): Promise<string | undefined> {
    if (!fs.existsSync(dir)) return undefined;
    const pointer = path.join(dir, 'latest');
    if (fs.existsSync(pointer)) {
      const file = path.join(dir, fs.readFileSync(pointer, 'utf8').trim());
      if (fs.existsSync(file) && this.#valid(file)) return file;
    }
    // Pointer missing or stale: the newest file that reads back whole.
    const files = listCheckpoints(dir).reverse();
    return files.find((f) => this.#valid(f));
  }

  async load(file: string): Promise<CheckpointData> {
    const { header, payload } = readFile(file);
    const tensors: Record<string, SerializedTensor> = {};
    for (const t of header.tensors) {
      const bytes = payload.subarray(t.offset, t.offset + t.length);
      const copy = new Uint8Array(bytes.byteLength);
      copy.set(bytes);
      const values =
        t.dtype === 'float32' ? new Float32Array(copy.buffer) : t.dtype === 'int32' ? new Int32Array(copy.buffer) : copy;
      if (values.length * BYTES[t.dtype] !== t.length) throw new CheckpointError(`${file}: tensor "${t.key}" has a bad length.`);
      tensors[t.key] = { dtype: t.dtype, shape: t.shape, values };
    }
    return { step: header.step, tensors, meta: header.meta };
  }

  #valid(file: string): boolean {
    try {
      readFile(file);
      return true;
    } catch {
      return false;
    }
  }

  #prune(dir: string): void {
    const files = listCheckpoints(dir);
    for (const f of files.slice(0, Math.max(0, files.length - this.keep))) fs.rmSync(f, { force: true });
  }
}

function listCheckpoints(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^ckpt-\d+\.tsr$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

function readFile(file: string): { header: Header; payload: Buffer } {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    throw new CheckpointError(`Cannot read checkpoint ${file}: ${(e as Error).message}`);
  }
  if (buf.byteLength < 12 || !buf.subarray(0, 8).equals(MAGIC)) throw new CheckpointError(`${file} is not a Tessera checkpoint.`);
  const n = buf.readUInt32LE(8);
  if (12 + n > buf.byteLength) throw new CheckpointError(`${file} is truncated (header).`);
  let header: Header;
  try {
    header = JSON.parse(buf.subarray(12, 12 + n).toString('utf8')) as Header;
  } catch {
    throw new CheckpointError(`${file} has a corrupt header.`);
  }
  const payload = buf.subarray(12 + n);
  if (createHash('sha256').update(payload).digest('hex') !== header.sha256) {
    throw new CheckpointError(`${file} is truncated or corrupt (checksum mismatch).`);
  }
  return { header, payload };
}

/** Writes `data` to a temporary file in the same directory, fsyncs it, then renames it over `file`. */
export function writeAtomic(file: string, data: Buffer | string): void {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

// Shared helpers of the benchmark: timing, memory checks, data, seeded weights.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.dirname(BENCH_DIR);
/** Scratch folder for the weights and batches exported to the PyTorch twins (rewritten every run). */
export const CACHE_DIR = process.env.BENCH_CACHE ?? path.join(os.tmpdir(), 'tessera-bench');

/** Repetitions: BENCH_REPS (default 10, at least 5) after BENCH_WARMUP (default 5) warm-up steps. */
export const REPS = Math.max(5, Number(process.env.BENCH_REPS ?? 10));
export const WARMUP = Math.max(1, Number(process.env.BENCH_WARMUP ?? 5));

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** Warm-up lasts at least this long (ms): V8 tiers wasm and JS up to optimised code in the background. */
export const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 1500);

/**
 * Times `step` (async; it must end with a read of its result so that the
 * time includes the computation): warm-up calls until both `warmup` calls and
 * `warmupMs` milliseconds are done (at most 300 calls), then `reps` timed
 * ones. Checks that neither the tensor count nor the bytes grow between the
 * end of the warm-up and the end of the run.
 */
export async function measure(step, { warmup = WARMUP, reps = REPS, warmupMs = WARMUP_MS } = {}) {
  const w0 = performance.now();
  let i = 0;
  while (i < warmup || (performance.now() - w0 < warmupMs && i < 300)) await step(i++);
  const m0 = tf.memory();
  const times = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await step(i + r);
    times.push(performance.now() - t0);
  }
  const m1 = tf.memory();
  return {
    msPerStep: median(times),
    times,
    warmupSteps: i,
    growthTensors: m1.numTensors - m0.numTensors,
    growthBytes: m1.numBytes - m0.numBytes,
  };
}

/**
 * tf.profile of `f`, with `peakBytes` counted above the bytes already live
 * before the call (tf.profile reports the absolute high-water mark).
 * The caller disposes `result`.
 */
export async function profileAbove(f) {
  const base = tf.memory().numBytes;
  const info = await tf.profile(f);
  return { ...info, peakBytes: info.peakBytes - base };
}

/** Deterministic uniform values in [-limit, limit) (sfc32-like LCG; identical across runs and backends). */
export function uniform(n, limit, seed) {
  const out = new Float32Array(n);
  let s = (seed * 2654435761) >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s / 4294967296) * 2 - 1) * limit;
  }
  return out;
}

/** Glorot-uniform [fanIn, fanOut] values, seeded. */
export function glorot(fanIn, fanOut, seed) {
  return tf.tensor2d(uniform(fanIn * fanOut, Math.sqrt(6 / (fanIn + fanOut)), seed), [fanIn, fanOut]);
}

/** Writes tensors (and extra JSON) for a twin: `{ meta, tensors: { name: { shape, dtype, data: base64 } } }`. */
export function exportForTwin(file, tensors, meta = {}) {
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const out = { meta, tensors: {} };
  for (const [name, t] of Object.entries(tensors)) {
    const data = t.dataSync();
    out.tensors[name] = { shape: t.shape, dtype: t.dtype, data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64') };
  }
  const p = path.join(CACHE_DIR, file);
  fs.writeFileSync(p, JSON.stringify(out));
  return p;
}

/** The 1,797 8×8 digits (examples/digits/data), pixels / 16; x [N, 64] float32, y [N] int32. */
export function loadDigits() {
  const rows = zlib
    .gunzipSync(fs.readFileSync(path.join(ROOT, 'examples/digits/data/digits.csv.gz')))
    .toString('utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(',').map(Number));
  return {
    x: tf.tensor2d(rows.map((r) => r.slice(0, 64).map((v) => v / 16))),
    y: tf.tensor1d(rows.map((r) => r[64]), 'int32'),
    n: rows.length,
  };
}

/** The sonnets text of examples/char-transformer as ids over its sorted character set. */
export function loadSonnets() {
  const text = fs.readFileSync(path.join(ROOT, 'examples/char-transformer/data/sonnets.txt'), 'utf8');
  const chars = [...new Set(text)].sort();
  const index = new Map(chars.map((c, i) => [c, i]));
  return { ids: Int32Array.from(text, (c) => index.get(c)), vocabSize: chars.length };
}

/** Peak RSS is not tf's; bytes of the active backend's live tensors. */
export function liveBytes() {
  return tf.memory().numBytes;
}

/**
 * Time and peak memory of attention variants against sequence length T:
 * the linear-time variants (`linear`, `mala`, `soft`) against `softmax`.
 *
 *   pnpm --filter @tessera/attention bench [--backend wasm|cpu] [--lengths 256,1024,4096] [--reps 3]
 *
 * One head-batch of B = 1, H = 4, Dh = 32; "forward" is `apply`, "train" is
 * the forward plus the gradients w.r.t. q, k, v. Peak bytes come from
 * `tf.profile` (tensor memory held by tfjs at its highest point).
 * Prints a Markdown table and writes JSON to `bench/attention-scaling.json`
 * when `--out` is given.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { createRegistry, useBackend } from '@tessera/core';
import attentionModule from '../src/module.js';

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'auto' },
    lengths: { type: 'string', default: '256,1024,4096' },
    variants: { type: 'string', default: 'softmax,linear,mala,soft' },
    reps: { type: 'string', default: '3' },
    causal: { type: 'boolean', default: false },
    out: { type: 'string' },
  },
});

const backend = await useBackend(args.backend as 'auto');
const registry = createRegistry(attentionModule);
const [B, H, Dh] = [1, 4, 32];
const reps = Number(args.reps);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function time(f: () => tf.Tensor | tf.Tensor[]): Promise<number> {
  const once = async () => {
    const t0 = performance.now();
    const r = f();
    const list = Array.isArray(r) ? r : [r];
    await Promise.all(list.map((t) => t.data()));
    tf.dispose(list);
    return performance.now() - t0;
  };
  await once(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < reps; i++) times.push(await once());
  return median(times);
}

const rows: Record<string, unknown>[] = [];
for (const T of args.lengths!.split(',').map(Number)) {
  const q = tf.randomNormal([B, H, T, Dh], 0, 1, 'float32', 1);
  const k = tf.randomNormal([B, H, T, Dh], 0, 1, 'float32', 2);
  const v = tf.randomNormal([B, H, T, Dh], 0, 1, 'float32', 3);
  for (const name of args.variants!.split(',')) {
    const att = registry.create('attention', name);
    const causal = args.causal;
    const forward = () => att.apply({ query: q, key: k, value: v, causal });
    const train = () => tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(att.apply({ query: a, key: b, value: c, causal })))([q, k, v]);
    const before = tf.memory().numBytes;
    const peakForward = (await tf.profile(() => forward())).peakBytes - before;
    const peakTrain = (await tf.profile(() => train())).peakBytes - before;
    const row = { variant: name, T, causal, backend: backend.name, forwardMs: await time(forward), trainMs: await time(train), peakForwardMB: peakForward / 2 ** 20, peakTrainMB: peakTrain / 2 ** 20 };
    rows.push(row);
    console.log(JSON.stringify(row));
  }
  tf.dispose([q, k, v]);
}

console.log(`\n| variant | T | forward ms | train ms | peak forward MB | peak train MB |  (${backend.name}, B=${B}, H=${H}, Dh=${Dh}${args.causal ? ', causal' : ''})`);
console.log('|---|---|---|---|---|---|');
for (const r of rows) {
  const f = (x: unknown) => (x as number).toFixed(1);
  console.log(`| ${r.variant} | ${r.T} | ${f(r.forwardMs)} | ${f(r.trainMs)} | ${f(r.peakForwardMB)} | ${f(r.peakTrainMB)} |`);
}
if (args.out) fs.writeFileSync(args.out, JSON.stringify(rows, null, 2));

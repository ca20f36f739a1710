// W1: MLP 64-256-256-10 on the digits data, batch 64, AdamW, cross-entropy.
import * as tf from '@tensorflow/tfjs-core';
import { exportForTwin, glorot, loadDigits, measure, profileAbove } from '../lib.mjs';

export const BATCH = 64;
export const SIZES = [64, 256, 256, 10];

/** A functional MLP with seeded Glorot weights: the same weights on every backend and in the twin (`prefix` names its variables). */
export function buildMlp(prefix = 'w1') {
  const vars = [];
  for (let l = 0; l < SIZES.length - 1; l++) {
    vars.push(tf.variable(glorot(SIZES[l], SIZES[l + 1], 100 + l), true, `${prefix}_kernel_${l}`));
    vars.push(tf.variable(tf.zeros([SIZES[l + 1]]), true, `${prefix}_bias_${l}`));
  }
  const forward = (x) => {
    let h = x;
    for (let l = 0; l < SIZES.length - 1; l++) {
      h = tf.add(tf.matMul(h, vars[2 * l]), vars[2 * l + 1]);
      if (l < SIZES.length - 2) h = tf.relu(h);
    }
    return h;
  };
  return { vars, forward, dispose: () => tf.dispose(vars) };
}

/** The digits as consecutive batches of 64 (the first 28 full batches), prepared outside the timed steps. */
export function digitBatches() {
  const d = loadDigits();
  const n = Math.floor(d.n / BATCH);
  const batches = [];
  for (let i = 0; i < n; i++) {
    batches.push({ x: tf.slice(d.x, [i * BATCH, 0], [BATCH, 64]), y: tf.slice(d.y, [i * BATCH], [BATCH]) });
  }
  return { batches, all: d };
}

export async function run({ registry, backend, twinExport }) {
  const { batches, all } = digitBatches();
  const model = buildMlp();
  const ce = registry.create('loss', 'cross-entropy');
  const lossOf = (b) => ce.compute({ logits: model.forward(b.x), labels: b.y });
  const loss0 = tf.tidy(() => lossOf(batches[0]).dataSync()[0]);
  if (twinExport) {
    const tensors = Object.fromEntries(model.vars.map((v) => [v.name, v]));
    exportForTwin('w1.json', { ...tensors, x: all.x, y: all.y }, { batch: BATCH, sizes: SIZES, lr: 1e-3, weightDecay: 0.01, loss0 });
  }
  const opt = registry.create('optimizer', 'adamw', { learningRate: 1e-3, weightDecay: 0.01 });
  const step = async (i) => {
    const b = batches[i % batches.length];
    const loss = opt.minimize(() => lossOf(b), true, model.vars);
    await loss.data();
    loss.dispose();
  };
  const m = await measure(step);
  const prof = await profileAbove(() => opt.minimize(() => lossOf(batches[0]), true, model.vars));
  tf.dispose(prof.result);
  tf.dispose([all.x, all.y, ...batches.flatMap((b) => [b.x, b.y])]);
  opt.dispose();
  model.dispose();
  return [{ workload: 'W1 mlp-digits', backend, ...m, peakBytes: prof.peakBytes, loss0, twin: 'w1' }];
}

// W4: the Trainer's step against a hand-written tfjs loop, same model (the W1
// MLP), same data order, same loss and optimizer plugins, same backend: the
// framework's overhead per step.
//
// The two are interleaved step by step, so that a change of machine load hits
// both alike: the Trainer runs its loop, and its afterStep callback runs one
// step of each hand loop (on their own copies of the model) and times it. A
// Trainer step is timed from the end of that callback to the next afterStep,
// so it includes everything the Trainer does per step (batching, the NaN-guard
// read, hooks, logging, its loop). The reported ratio is the median of the
// paired ratios (Trainer step / the hand step beside it).
import * as tf from '@tensorflow/tfjs-core';
import { createContainer, TrainerToken } from '@tessera/core';
import { median, REPS, WARMUP } from '../lib.mjs';
import { BATCH, buildMlp } from './w1-mlp.mjs';
import { loadDigits } from '../lib.mjs';

/**
 * Timed steps: a 3 % difference needs many samples on a shared machine. At
 * least 200 (and BENCH_REPS), then more until 10 s of timed steps or 1,000.
 */
const MIN_TIMED = Math.max(REPS, 200);
const MAX_TIMED = Math.max(MIN_TIMED, 1000);
const BUDGET_MS = 10_000;

export async function run({ registry, backend, modules }) {
  const d = loadDigits();
  const n = Math.floor(d.n / BATCH) * BATCH;
  const x = tf.slice(d.x, [0, 0], [n, 64]);
  const y = tf.slice(d.y, [0], [n]);
  tf.dispose([d.x, d.y]);
  // Warm-up covers V8's and wasm's tier-up: at least 30 steps.
  const warmup = Math.max(WARMUP, 30);
  const steps = warmup + MAX_TIMED;
  let timedFrom = 0;

  const ce = registry.create('loss', 'cross-entropy');
  /** One hand-written loop: `minimize` as a user writes it, or with the Trainer's NaN-guard read added. */
  const handLoop = (guard) => {
    const model = buildMlp(guard ? 'w4_guard' : 'w4_hand');
    const opt = registry.create('optimizer', 'adamw', { learningRate: 1e-3, weightDecay: 0.01 });
    let s = 0;
    return {
      async step() {
        const start = (s++ * BATCH) % n;
        const objective = () => {
          const xb = tf.slice(x, [start, 0], [BATCH, 64]);
          const yb = tf.slice(y, [start], [BATCH]);
          return ce.compute({ logits: model.forward(xb), labels: yb });
        };
        if (guard) {
          // What the Trainer adds to every step: gradients as a map, one read of [loss, ‖g‖²], then applyGradients.
          const { value, grads } = tf.variableGrads(objective, model.vars);
          const check = tf.tidy(() => tf.stack([value, tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g))))]));
          await check.data();
          opt.applyGradients(grads);
          tf.dispose([check, value, ...Object.values(grads)]);
        } else {
          const loss = opt.minimize(objective, true, model.vars);
          await loss.data();
          loss.dispose();
        }
      },
      dispose() {
        opt.dispose();
        model.dispose();
      },
    };
  };
  const hand = handLoop(false);
  const guarded = handLoop(true);
  const handTimes = [];
  const guardTimes = [];
  const trainerTimes = [];
  const mems = [];
  let resumed = 0;
  const interleave = {
    async afterStep(ctx) {
      const stepEnd = performance.now();
      if (ctx.step > warmup) trainerTimes.push(stepEnd - resumed);
      mems.push(tf.memory());
      // Alternate which hand loop goes first, so neither always follows the Trainer.
      const order = ctx.step % 2 ? [[hand, handTimes], [guarded, guardTimes]] : [[guarded, guardTimes], [hand, handTimes]];
      for (const [loop, times] of order) {
        const t0 = performance.now();
        await loop.step();
        if (ctx.step > warmup) times.push(performance.now() - t0);
      }
      resumed = performance.now();
      if (ctx.step === warmup) timedFrom = resumed;
      if (ctx.step >= warmup + MIN_TIMED && resumed - timedFrom > BUDGET_MS) ctx.stop('bench budget');
    },
  };
  const trainer = createContainer(...modules).get(TrainerToken);
  const model = buildMlp('w4_trainer');
  await trainer.fit({
    model: { trainableVariables: model.vars, forward: (xb) => model.forward(xb) },
    data: { x, y },
    loss: 'cross-entropy',
    optimizer: { name: 'adamw', params: { learningRate: 1e-3, weightDecay: 0.01 } },
    batchSize: BATCH,
    shuffle: false,
    epochs: Math.ceil(steps / (n / BATCH)) + 1,
    maxSteps: steps,
    progress: false,
    callbacks: [interleave],
  });
  const growth = {
    tensors: mems[mems.length - 1].numTensors - mems[warmup].numTensors,
    bytes: mems[mems.length - 1].numBytes - mems[warmup].numBytes,
  };
  model.dispose();
  hand.dispose();
  guarded.dispose();
  tf.dispose([x, y]);
  const ms = median(trainerTimes);
  const ref = median(handTimes);
  // The overhead: the median of the paired ratios (each Trainer step against the hand step
  // next to it in time), which cancels load changes slower than a step; the ratio of the two
  // medians is kept beside it.
  const paired = median(trainerTimes.map((t, i) => t / handTimes[i]));
  return [
    {
      workload: 'W4 trainer overhead (W1 model)',
      backend,
      msPerStep: ms,
      times: trainerTimes,
      reference: 'hand-written tfjs loop (interleaved)',
      referenceMsPerStep: ref,
      ratio: paired,
      ratioOfMedians: ms / ref,
      overheadPct: 100 * (paired - 1),
      // The hand loop with the Trainer's per-step NaN guard added: how much of the overhead that is.
      handWithNanGuardMsPerStep: median(guardTimes),
      timedSteps: trainerTimes.length,
      growthTensors: growth.tensors,
      growthBytes: growth.bytes,
    },
  ];
}

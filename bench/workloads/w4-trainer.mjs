// W4: the Trainer's step against a hand-written tfjs loop, same model (the W1
// MLP), same data order, same loss and optimizer plugins, same backend: the
// framework's overhead per step.
//
// The two run in alternating chunks of CHUNK steps, so that a change of machine
// load hits both alike: the Trainer runs CHUNK steps, then its afterStep
// callback runs CHUNK steps of each hand loop (on their own copies of the model),
// and so on. Each step is timed; a Trainer step from one afterStep to the next,
// so it includes everything the Trainer does per step (batching, the NaN-guard
// read, hooks, logging, its loop). The first step of every chunk is not counted:
// it runs with the code and data of the other loop in the caches, a cost that
// falls on whichever loop runs more distinct code (interleaving single steps
// measured the Trainer 1–2 % slower than the same work in steady state). The
// reported ratio is the median over chunks of (the Trainer chunk's median step
// ÷ the hand chunk's median step beside it).
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
/** Steps per chunk (the first of each is not counted). */
const CHUNK = 8;

export async function run({ registry, backend, modules }) {
  const d = loadDigits();
  const n = Math.floor(d.n / BATCH) * BATCH;
  const x = tf.slice(d.x, [0, 0], [n, 64]);
  const y = tf.slice(d.y, [0], [n]);
  tf.dispose([d.x, d.y]);
  // Warm-up covers V8's and wasm's tier-up: at least 32 steps (whole chunks).
  const warmup = Math.ceil(Math.max(WARMUP, 30) / CHUNK) * CHUNK;
  const steps = warmup + Math.ceil(MAX_TIMED / (CHUNK - 1)) * CHUNK;

  const ce = registry.create('loss', 'cross-entropy');
  let loops = 0;
  /** One hand-written loop: `minimize` as a user writes it, or with the Trainer's NaN-guard read added. */
  const handLoop = (guard) => {
    const model = buildMlp(`w4_hand_${loops++}`);
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
  // BENCH_W4_AA=1: the second hand loop is a copy of the first (an A/A check of the method).
  const aa = process.env.BENCH_W4_AA === '1';
  const guarded = handLoop(!aa);
  const chunks = []; // { trainer: ms[], hand: ms[], guard: ms[] }
  let trainerChunk = [];
  const mems = [];
  let last = 0;
  let timedFrom = 0;
  const interleave = {
    async afterStep(ctx) {
      const stepEnd = performance.now();
      // The first Trainer step after a hand chunk is not counted (cold caches).
      if (ctx.step > warmup && ctx.step % CHUNK !== 1) trainerChunk.push(stepEnd - last);
      if (ctx.step % CHUNK === 0) {
        mems.push(tf.memory());
        const chunk = { trainer: trainerChunk, hand: [], guard: [] };
        // Alternate which hand loop goes first.
        const order = (ctx.step / CHUNK) % 2 ? [[hand, chunk.hand], [guarded, chunk.guard]] : [[guarded, chunk.guard], [hand, chunk.hand]];
        for (const [loop, times] of order) {
          for (let i = 0; i < CHUNK; i++) {
            const t0 = performance.now();
            await loop.step();
            if (i > 0) times.push(performance.now() - t0);
          }
        }
        if (ctx.step > warmup) chunks.push(chunk);
        trainerChunk = [];
        if (ctx.step <= warmup) timedFrom = performance.now();
        const timed = chunks.length * (CHUNK - 1);
        if (timed >= MIN_TIMED && performance.now() - timedFrom > BUDGET_MS) ctx.stop('bench budget');
      }
      last = performance.now();
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
    tensors: mems[mems.length - 1].numTensors - mems[Math.floor(warmup / CHUNK)].numTensors,
    bytes: mems[mems.length - 1].numBytes - mems[Math.floor(warmup / CHUNK)].numBytes,
  };
  model.dispose();
  hand.dispose();
  guarded.dispose();
  tf.dispose([x, y]);
  const trainerTimes = chunks.flatMap((c) => c.trainer);
  const handTimes = chunks.flatMap((c) => c.hand);
  const ms = median(trainerTimes);
  const ref = median(handTimes);
  // The overhead: the median over chunks of the paired chunk ratios, which cancels load
  // changes slower than a chunk (~0.1 s); the ratio of the two overall medians is kept beside it.
  const paired = median(chunks.map((c) => median(c.trainer) / median(c.hand)));
  return [
    {
      workload: 'W4 trainer overhead (W1 model)',
      backend,
      msPerStep: ms,
      times: trainerTimes,
      reference: 'hand-written tfjs loop (chunks interleaved)',
      referenceMsPerStep: ref,
      ratio: paired,
      ratioOfMedians: ms / ref,
      overheadPct: 100 * (paired - 1),
      // The hand loop with the Trainer's per-step NaN guard added: how much of the overhead that is.
      handWithNanGuardMsPerStep: median(chunks.flatMap((c) => c.guard)),
      ...(aa ? { aaRatio: median(chunks.map((c) => median(c.guard) / median(c.hand))) } : {}),
      timedSteps: trainerTimes.length,
      chunkSteps: CHUNK,
      growthTensors: growth.tensors,
      growthBytes: growth.bytes,
    },
  ];
}

// W4: the Trainer's step against a hand-written tfjs loop, same model (the W1
// MLP), same data order, same loss and optimizer plugins, same backend: the
// framework's overhead per step.
import * as tf from '@tensorflow/tfjs-core';
import { createContainer, TrainerToken } from '@tessera/core';
import { median, REPS, WARMUP } from '../lib.mjs';
import { BATCH, buildMlp } from './w1-mlp.mjs';
import { loadDigits } from '../lib.mjs';

/** Rounds of (Trainer, hand loop, hand loop + NaN guard); round 0 only warms up (JIT and wasm tier-up). */
const ROUNDS = 4;

export async function run({ registry, backend, modules }) {
  const d = loadDigits();
  const n = Math.floor(d.n / BATCH) * BATCH;
  const x = tf.slice(d.x, [0, 0], [n, 64]);
  const y = tf.slice(d.y, [0], [n]);
  tf.dispose([d.x, d.y]);
  const steps = WARMUP + Math.max(REPS, 20);
  const trainerTimes = [];
  const handTimes = [];
  const guardTimes = [];
  const growth = { tensors: 0, bytes: 0 };

  const trainer = createContainer(...modules).get(TrainerToken);
  // Rounds alternate the two loops so that a change in machine load hits both alike.
  for (let round = 0; round < ROUNDS; round++) {
    {
      const model = buildMlp();
      const stamps = [];
      const mems = [];
      const timer = {
        afterStep() {
          stamps.push(performance.now());
          mems.push(tf.memory());
        },
      };
      await trainer.fit({
        model: { trainableVariables: model.vars, forward: (xb) => model.forward(xb) },
        data: { x, y },
        loss: 'cross-entropy',
        optimizer: { name: 'adamw', params: { learningRate: 1e-3, weightDecay: 0.01 } },
        batchSize: BATCH,
        shuffle: false,
        maxSteps: steps,
        progress: false,
        callbacks: [timer],
      });
      if (round > 0) for (let i = WARMUP; i < stamps.length; i++) trainerTimes.push(stamps[i] - stamps[i - 1]);
      growth.tensors = Math.max(growth.tensors, mems[mems.length - 1].numTensors - mems[WARMUP].numTensors);
      growth.bytes = Math.max(growth.bytes, mems[mems.length - 1].numBytes - mems[WARMUP].numBytes);
      model.dispose();
    }
    for (const guard of [false, true]) {
      const model = buildMlp();
      const ce = registry.create('loss', 'cross-entropy');
      const opt = registry.create('optimizer', 'adamw', { learningRate: 1e-3, weightDecay: 0.01 });
      let last = 0;
      let m0;
      for (let s = 0; s < steps; s++) {
        const start = (s * BATCH) % n;
        const objective = () => {
          const xb = tf.slice(x, [start, 0], [BATCH, 64]);
          const yb = tf.slice(y, [start], [BATCH]);
          return ce.compute({ logits: model.forward(xb), labels: yb });
        };
        if (guard) {
          // The same loop plus what the Trainer adds to every step: gradients as a map, one read
          // of [loss, ‖g‖²] for its NaN guard, then applyGradients.
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
        const now = performance.now();
        if (s === WARMUP - 1) m0 = tf.memory();
        if (s >= WARMUP && round > 0) (guard ? guardTimes : handTimes).push(now - last);
        last = now;
      }
      const m1 = tf.memory();
      growth.tensors = Math.max(growth.tensors, m1.numTensors - m0.numTensors);
      growth.bytes = Math.max(growth.bytes, m1.numBytes - m0.numBytes);
      opt.dispose();
      model.dispose();
    }
  }
  tf.dispose([x, y]);
  const ms = median(trainerTimes);
  const ref = median(handTimes);
  return [
    {
      workload: 'W4 trainer overhead (W1 model)',
      backend,
      msPerStep: ms,
      times: trainerTimes,
      reference: 'hand-written tfjs loop',
      referenceMsPerStep: ref,
      ratio: ms / ref,
      overheadPct: 100 * (ms / ref - 1),
      // The hand loop with the Trainer's per-step NaN guard added: how much of the overhead that is.
      handWithNanGuardMsPerStep: median(guardTimes),
      growthTensors: growth.tensors,
      growthBytes: growth.bytes,
    },
  ];
}

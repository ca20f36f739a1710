import * as tf from '@tensorflow/tfjs-core';
import { ProgressReporterToken, SilentProgressReporter, TrainerToken, createContainer, type TrainableModel } from '@tessera/core';
import losses from '@tessera/losses/module';
import type { ContainerModule } from 'inversify';
import minersModule from './module.js';

/** Test-only: a trainer with losses and miners registered and a silent progress bar. */
export function trainer(...extra: ContainerModule[]) {
  const c = createContainer(losses, minersModule, ...extra);
  c.unbind(ProgressReporterToken);
  c.bind(ProgressReporterToken).toConstantValue(new SilentProgressReporter());
  return c.get(TrainerToken);
}

let counter = 0;
/** A 2-layer MLP classifier 6 → 8 → 3 with named variables. */
export function mlp(seed = 1): TrainableModel & { vars: tf.Variable[] } {
  const id = counter++;
  const w1 = tf.variable(tf.randomNormal([6, 8], 0, 0.5, 'float32', seed), true, `mlp${id}/w1`);
  const b1 = tf.variable(tf.zeros([8]), true, `mlp${id}/b1`);
  const w2 = tf.variable(tf.randomNormal([8, 3], 0, 0.5, 'float32', seed + 1), true, `mlp${id}/w2`);
  const b2 = tf.variable(tf.zeros([3]), true, `mlp${id}/b2`);
  const vars = [w1, b1, w2, b2];
  return { vars, trainableVariables: vars, forward: (x) => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x as tf.Tensor, w1), b1)), w2), b2) };
}

/** 96 samples of 6 features, 3 classes by a fixed linear rule. */
export function classification(n = 96, seed = 3) {
  const x = tf.randomNormal([n, 6], 0, 1, 'float32', seed);
  const y = tf.tidy(() => tf.cast(tf.argMax(tf.matMul(x, tf.randomNormal([6, 3], 0, 1, 'float32', seed + 7)), 1), 'int32'));
  return { x, y };
}

/** A fake trainer context for driving callback hooks by hand. */
export function fakeContext(vars: tf.Variable[], opts: { step?: number; epoch?: number } = {}) {
  const state = { step: opts.step ?? 0, epoch: opts.epoch ?? 0, batchInEpoch: 0, stopped: undefined as string | undefined, logged: {} as Record<string, number> };
  const ctx = {
    get step() {
      return state.step;
    },
    get epoch() {
      return state.epoch;
    },
    get batchInEpoch() {
      return state.batchInEpoch;
    },
    model: { trainableVariables: vars, forward: () => tf.scalar(0) },
    optimizer: tf.train.sgd(0.1),
    logs: {},
    overrides: new Map<string, number>(),
    stop: (reason?: string) => void (state.stopped = reason ?? 'stop'),
    log: (name: string, value: number) => void (state.logged[name] = value),
  };
  return { ctx, state };
}

import * as tf from '@tensorflow/tfjs-core';
import type { CheckpointData, SerializedTensor } from '../checkpoint/checkpoint-store.js';
import type { Stateful } from '../contracts/stateful.js';
import type { TrainableModel } from '../contracts/model.js';
import { CheckpointError } from '../errors.js';

/** Where the fit loop is; saved in every checkpoint. */
export interface LoopState {
  step: number;
  epoch: number;
  /** Micro-batches of the current epoch already consumed. */
  batchInEpoch: number;
  /** RNG state at the start of the current epoch (reproduces its shuffle). */
  epochRngState: number[];
  /** RNG state now. */
  rngState: number[];
  /** Train loss per step, so a resumed run reports the whole curve. */
  history: { step: number; loss: number; lr?: number }[];
}

/** A stateful plugin with the key its state is saved under. */
export interface StatefulEntry {
  readonly key: string;
  readonly plugin: Stateful;
}

async function serialize(t: tf.Tensor): Promise<SerializedTensor> {
  const dtype = t.dtype === 'int32' ? 'int32' : t.dtype === 'bool' ? 'bool' : 'float32';
  const data = await t.data();
  const values = dtype === 'float32' ? Float32Array.from(data as Float32Array) : dtype === 'int32' ? Int32Array.from(data as Int32Array) : Uint8Array.from(data as Uint8Array);
  return { dtype, shape: t.shape, values };
}

const toTensor = (s: SerializedTensor): tf.Tensor => tf.tensor(s.values, [...s.shape], s.dtype);

/** The id the next tensor will get (tfjs numbers tensors in creation order). */
function nextTensorId(): number {
  const probe = tf.scalar(0);
  probe.dispose();
  return probe.id + 1;
}

/**
 * Frees the tensors of `returned` that were created at or after `firstId`
 * (by the call that returned them); tensors the caller's plugin already held,
 * and variables, are left alone.
 */
function disposeCreatedSince(returned: readonly tf.Tensor[], firstId: number): void {
  tf.dispose(returned.filter((t) => t.id >= firstId && !t.isDisposed && !(t instanceof tf.Variable)));
}

/** Reads model, optimizer and plugin state into a checkpoint (host copies; the originals stay). */
export async function captureCheckpoint(
  model: TrainableModel,
  optimizer: tf.Optimizer,
  stateful: readonly StatefulEntry[],
  loop: LoopState,
): Promise<CheckpointData> {
  const tensors: Record<string, SerializedTensor> = {};
  const vars = [...model.trainableVariables, ...(model.stateVariables ?? [])];
  for (let i = 0; i < vars.length; i++) tensors[`model/${i}`] = await serialize(vars[i]!);
  // getWeights may return the optimizer's own tensors or fresh ones (tfjs
  // creates the iteration count anew): free exactly those created by the call.
  const optStart = nextTensorId();
  const optWeights = await optimizer.getWeights();
  for (let i = 0; i < optWeights.length; i++) tensors[`optimizer/${i}`] = await serialize(optWeights[i]!.tensor);
  disposeCreatedSince(optWeights.map((w) => w.tensor), optStart);
  const pluginKeys: Record<string, string[]> = {};
  for (const { key, plugin } of stateful) {
    // Plugins may hand out their own tensors or build fresh ones (a scalar of a JS number).
    const stateStart = nextTensorId();
    const state = plugin.getState();
    pluginKeys[key] = Object.keys(state);
    for (const [k, t] of Object.entries(state)) tensors[`plugin/${key}/${k}`] = await serialize(t);
    disposeCreatedSince(Object.values(state), stateStart);
  }
  return {
    step: loop.step,
    tensors,
    meta: {
      format: 1,
      loop,
      variables: vars.map((v) => ({ name: v.name, shape: v.shape })),
      optimizer: { className: (optimizer.constructor as { className?: string }).className ?? optimizer.getClassName(), names: optWeights.map((w) => w.name) },
      plugins: pluginKeys,
    },
  };
}

/** Writes a checkpoint back into model, optimizer and plugins; returns the loop state. */
export async function restoreCheckpoint(
  data: CheckpointData,
  model: TrainableModel,
  optimizer: tf.Optimizer,
  stateful: readonly StatefulEntry[],
  source: string,
): Promise<LoopState> {
  const meta = data.meta as {
    loop: LoopState;
    variables: { name: string; shape: number[] }[];
    optimizer: { names: string[] };
    plugins: Record<string, string[]>;
  };
  const vars = [...model.trainableVariables, ...(model.stateVariables ?? [])];
  if (meta.variables.length !== vars.length) {
    throw new CheckpointError(`${source}: holds ${meta.variables.length} model variables, the model has ${vars.length}.`);
  }
  vars.forEach((v, i) => {
    const s = data.tensors[`model/${i}`];
    if (!s || s.shape.length !== v.shape.length || s.shape.some((d, j) => d !== v.shape[j])) {
      throw new CheckpointError(`${source}: variable ${i} (${meta.variables[i]?.name}) has shape [${s?.shape.join(', ')}], the model's ${v.name} has [${v.shape.join(', ')}].`);
    }
    tf.tidy(() => v.assign(toTensor(s)));
  });
  // Optimizer state is named after variables, and tfjs-layers numbers layer names per process
  // (dense_Dense1 here may be dense_Dense3 after a restart): rename saved state by variable position.
  const renames = meta.variables
    .map((v, i) => [v.name, vars[i]!.name] as const)
    .filter(([from, to]) => from !== to)
    .sort((a, b) => b[0].length - a[0].length);
  const rename = (name: string) => {
    for (const [from, to] of renames) if (name === from || name.startsWith(`${from}/`)) return to + name.slice(from.length);
    return name;
  };
  const optTensors = meta.optimizer.names.map((name, i) => ({ name: rename(name), tensor: toTensor(data.tensors[`optimizer/${i}`]!) }));
  await optimizer.setWeights(optTensors);
  tf.dispose(optTensors.map((t) => t.tensor));
  for (const { key, plugin } of stateful) {
    const keys = meta.plugins[key];
    if (!keys) continue;
    const state = Object.fromEntries(keys.map((k) => [k, toTensor(data.tensors[`plugin/${key}/${k}`]!)]));
    plugin.setState(state);
    tf.dispose(Object.values(state));
  }
  return meta.loop;
}

/**
 * Shared helpers of the package's specs (not part of the public surface).
 */
import * as tf from '@tensorflow/tfjs-core';
import { layers as tfl, loadLayersModel, sequential } from '@tensorflow/tfjs-layers';
import { createRegistry } from '@tessera/core';
import { expectTensorsClose, fixtureTensor, type FixtureTensor } from '@tessera/testing';
import normalizationModule from './module.js';

export const registry = createRegistry(normalizationModule);

export type Layer = tfl.Layer;

/** Runs `layer.apply(x, kwargs)` under `tf.variableGrads` with loss sum(y ⊙ dy). */
export function layerGrads(
  layer: tfl.Layer,
  x: tf.Tensor,
  dy: tf.Tensor,
  kwargs: Record<string, unknown> = { training: true },
): { y: tf.Tensor; dx: tf.Tensor; grads: Record<string, tf.Tensor> } {
  if (!layer.built) tf.tidy(() => void layer.apply(tf.zerosLike(x), {}));
  const xv = tf.variable(x, true, `x_${Math.random().toString(36).slice(2)}`);
  const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
  let y: tf.Tensor | undefined;
  const { value, grads } = tf.variableGrads(() => {
    const out = layer.apply(xv, kwargs) as tf.Tensor;
    y = tf.keep(tf.clone(out));
    return tf.sum(tf.mul(out, dy)) as tf.Scalar;
  }, [xv, ...weights]);
  const byName: Record<string, tf.Tensor> = {};
  layer.trainableWeights.forEach((w, i) => {
    const short = w.originalName.split('/').pop()!;
    byName[short] = grads[weights[i]!.name]!;
  });
  const dx = grads[xv.name]!;
  xv.dispose();
  value.dispose();
  return { y: y!, dx, grads: byName };
}

/** Sets a layer's weight by its short name (`gamma`, `beta`, `running_mean`, …). */
export function setWeight(layer: tfl.Layer, name: string, value: tf.Tensor): void {
  const w = layer.weights.find((v) => v.originalName.split('/').pop() === name);
  if (!w) throw new Error(`no weight "${name}" in ${layer.weights.map((v) => v.originalName).join(', ')}`);
  w.write(tf.reshape(value, w.shape as number[]));
}

/** Reads a layer's weight by its short name. */
export function getWeight(layer: tfl.Layer, name: string): tf.Tensor {
  const w = layer.weights.find((v) => v.originalName.split('/').pop() === name);
  if (!w) throw new Error(`no weight "${name}" in ${layer.weights.map((v) => v.originalName).join(', ')}`);
  return w.read();
}

/**
 * Puts `layer` in a `tf.sequential` after a small dense layer, saves the model to memory and
 * loads it back; returns the predictions of both (inference mode) on `x`.
 */
export async function saveLoadRoundTrip(
  make: () => tfl.Layer,
  inputShape: number[],
  x: tf.Tensor,
  prepare?: (layer: tfl.Layer) => void,
): Promise<{ before: tf.Tensor; after: tf.Tensor; className: string }> {
  const layer = make();
  const model = sequential({ layers: [tfl.dense({ units: inputShape[inputShape.length - 1]!, inputShape }), layer] });
  prepare?.(layer);
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const loaded = await loadLayersModel(tf.io.fromMemory(saved!));
  const before = model.predict(x) as tf.Tensor;
  const after = loaded.predict(x) as tf.Tensor;
  const className = loaded.layers[1]!.getClassName();
  model.dispose();
  loaded.dispose();
  return { before, after, className };
}

/** One recorded call of a stateful-layer fixture (see `stateful_steps` in gen_normalization.py). */
export interface StepRecord {
  training: boolean;
  x: FixtureTensor;
  y: FixtureTensor;
  dy?: FixtureTensor;
  dx?: FixtureTensor;
  [key: string]: unknown;
}

/**
 * Replays a fixture's sequence of training and inference calls on `layer` and compares the
 * output, the gradients (x and every trainable weight that has a `d<name>` entry) and every
 * state weight named in the record after each call. Returns how many state comparisons ran.
 */
export function replaySteps(
  layer: tfl.Layer,
  steps: StepRecord[],
  opts: { kwargs?: (step: StepRecord, i: number) => Record<string, unknown>; stateNames?: Record<string, string>; tol?: { rtol?: number; atol?: number } } = {},
): number {
  const weightNames = new Set(layer.weights.map((w) => w.originalName.split('/').pop()!));
  let stateChecks = 0;
  steps.forEach((step, i) => {
    const x = fixtureTensor(step.x);
    const extra = opts.kwargs?.(step, i) ?? {};
    const where = `step ${i} (${step.training ? 'training' : 'inference'})`;
    if (step.training) {
      const dy = fixtureTensor(step.dy!);
      const { y, dx, grads } = layerGrads(layer, x, dy, { training: true, ...extra });
      expectTensorsClose(y, fixtureTensor(step.y), { ...opts.tol, name: `${where} y` });
      expectTensorsClose(dx, fixtureTensor(step.dx!), { ...opts.tol, name: `${where} dx` });
      for (const [name, g] of Object.entries(grads)) {
        const want = step[`d${name}`] as FixtureTensor | undefined;
        if (want) expectTensorsClose(g, fixtureTensor(want), { ...opts.tol, name: `${where} d${name}` });
      }
      tf.dispose([dy, y, dx, ...Object.values(grads)]);
    } else {
      tf.tidy(() => expectTensorsClose(layer.apply(x, { training: false, ...extra }) as tf.Tensor, fixtureTensor(step.y), { ...opts.tol, name: `${where} y` }));
    }
    for (const [key, value] of Object.entries(step)) {
      const name = opts.stateNames?.[key] ?? key;
      if (!weightNames.has(name) || !value || typeof value !== 'object') continue;
      tf.tidy(() => expectTensorsClose(tf.reshape(getWeight(layer, name), [-1]), fixtureTensor(value as FixtureTensor), { ...opts.tol, name: `${where} ${name}` }));
      stateChecks++;
    }
    x.dispose();
  });
  return stateChecks;
}

/** A fixture case of a stateful layer: hyperparameters, initial γ/β, and the recorded calls. */
export interface StepCase {
  name: string;
  params: Record<string, unknown>;
  init: Record<string, FixtureTensor>;
  steps: StepRecord[];
}

/**
 * Builds the layer from the case's hyperparameters (through the registry), sets its initial
 * weights, replays the calls (passing a recorded `mask`), and returns the number of state
 * comparisons made.
 */
export function replayCase(name: string, c: StepCase, opts: { build?: number[] } = {}): number {
  const layer = registry.create('normalization', name, c.params);
  tf.tidy(() => void layer.apply(opts.build ? tf.zeros(opts.build) : fixtureTensor(c.steps[0]!.x)));
  for (const [w, v] of Object.entries(c.init)) setWeight(layer, w, fixtureTensor(v));
  const checked = replaySteps(layer, c.steps, {
    kwargs: (step) => (step.mask ? { mask: fixtureTensor(step.mask as FixtureTensor) } : {}),
  });
  layer.dispose();
  return checked;
}

/** A fixture case of a stateless layer with a gain (and maybe a bias): forward and gradients. */
export interface AffineCase {
  name: string;
  params: Record<string, unknown>;
  x: FixtureTensor;
  dy: FixtureTensor;
  y: FixtureTensor;
  dx: FixtureTensor;
  gamma: FixtureTensor;
  dgamma: FixtureTensor;
  beta?: FixtureTensor;
  dbeta?: FixtureTensor;
}

/** Creates the layer through the registry, sets γ (named `gainName`) and β, and checks y, ∂x, ∂γ, ∂β in training and y in inference. */
export function checkAffineCase(plugin: string, c: AffineCase, gainName = 'gamma'): void {
  const layer = registry.create('normalization', plugin, c.params);
  const x = fixtureTensor(c.x);
  tf.tidy(() => void layer.apply(x));
  setWeight(layer, gainName, fixtureTensor(c.gamma));
  if (c.beta) setWeight(layer, 'beta', fixtureTensor(c.beta));
  const { y, dx, grads } = layerGrads(layer, x, fixtureTensor(c.dy));
  expectTensorsClose(y, fixtureTensor(c.y), { name: 'y' });
  expectTensorsClose(dx, fixtureTensor(c.dx), { name: 'dx' });
  expectTensorsClose(grads[gainName]!, fixtureTensor(c.dgamma), { name: `d${gainName}` });
  if (c.dbeta) expectTensorsClose(grads.beta!, fixtureTensor(c.dbeta), { name: 'dbeta' });
  tf.tidy(() => expectTensorsClose(layer.apply(x, { training: false }) as tf.Tensor, fixtureTensor(c.y), { name: 'inference y' }));
  tf.dispose([x, y, dx, ...Object.values(grads)]);
  layer.dispose();
}

/**
 * Shared helpers of the package's specs (not part of the public surface).
 */
import * as tf from '@tensorflow/tfjs-core';
import { layers as tfl, loadLayersModel, sequential } from '@tensorflow/tfjs-layers';
import { createRegistry } from '@tessera/core';
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

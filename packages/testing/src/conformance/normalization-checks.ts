import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';
import { expectNoGrowth } from '../expect-no-leak.js';
import type { CheckContext } from '../run-conformance.js';

/** The part of a tfjs-layers `Layer` the checks use. */
interface LayerLike {
  apply(x: tf.Tensor, kwargs?: { training?: boolean }): tf.Tensor;
  getClassName(): string;
  getConfig(): Record<string, unknown>;
  getWeights(): tf.Tensor[];
  setWeights(w: tf.Tensor[]): void;
  dispose(): unknown;
}

const values = (t: tf.Tensor) => Array.from(t.dataSync());

export function normalizationChecks(ctx: CheckContext): void {
  const create = () => ctx.create() as LayerLike;
  /** Default input: [B, T, D] = [4, 3, 8]. */
  const input = () => (ctx.override.inputs ? (ctx.override.inputs() as tf.Tensor) : tf.randomNormal([4, 3, 8], 0.5, 2, 'float32', 11));

  ctx.test('keeps the shape and gives finite values, in training and inference', () => {
    const layer = create();
    const x = input();
    for (const training of [true, false]) {
      const y = layer.apply(x, { training });
      expect(y.shape).toEqual(x.shape);
      expect(values(y).every(Number.isFinite)).toBe(true);
      y.dispose();
    }
    layer.dispose();
    x.dispose();
  });

  ctx.test('no tensor growth after the first call', async () => {
    const layer = create();
    const x = input();
    await expectNoGrowth(() => layer.apply(x, { training: true }), { name: `${ctx.manifest.name} training` });
    await expectNoGrowth(() => layer.apply(x, { training: false }), { name: `${ctx.manifest.name} inference` });
    layer.dispose();
    x.dispose();
  });

  ctx.test('gradient with respect to the input is finite', () => {
    const layer = create();
    const x = input();
    layer.apply(x, { training: false }).dispose();
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(layer.apply(v, { training: true }), tf.reshape(tf.range(0, v.size), v.shape))) as tf.Scalar)(x);
    expect(values(g).every(Number.isFinite)).toBe(true);
    tf.dispose([g, x]);
    layer.dispose();
  });

  ctx.test('inference is deterministic', () => {
    const layer = create();
    const x = input();
    const a = layer.apply(x, { training: false });
    const b = layer.apply(x, { training: false });
    expect(values(a)).toEqual(values(b));
    tf.dispose([a, b, x]);
    layer.dispose();
  });

  ctx.test('serializes: registered class, config and weights round-trip', () => {
    const layer = create();
    const x = input();
    layer.apply(x, { training: true }).dispose(); // build and move running statistics
    const cls = layer.getClassName();
    const entry = tf.serialization.SerializationMap.getMap().classNameMap[cls];
    expect(entry, `class "${cls}" is registered with tf.serialization`).toBeDefined();
    const [ctor, fromConfig] = entry!;
    const config = JSON.parse(JSON.stringify(layer.getConfig())) as tf.serialization.ConfigDict;
    const copy = fromConfig(ctor, config) as unknown as LayerLike;
    copy.apply(x, { training: false }).dispose();
    copy.setWeights(layer.getWeights());
    const a = layer.apply(x, { training: false });
    const b = copy.apply(x, { training: false });
    expect(values(b)).toEqual(values(a));
    tf.dispose([a, b, x]);
    layer.dispose();
    copy.dispose();
  });
}

/**
 * A tiny pre-norm causal Transformer written with tfjs ops, its three norms given by name: it
 * trains with `optimizer.minimize` (the Trainer's path, not model.fit) for each of the four
 * names the acceptance swaps, so the swap is a one-word change.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { registry, type Layer } from './spec-utils.js';

const [V, T, D, B] = [6, 8, 16, 4];

/** x `[B, T, in]` · W `[in, out]` through a 2-D matMul (tfjs' batched-left matMul gradient is wrong). */
const lin = (x: tf.Tensor, w: tf.Tensor) => tf.reshape(tf.matMul(tf.reshape(x, [-1, x.shape[2]!]), w), [x.shape[0]!, x.shape[1]!, -1]);

function makeModel(norm: string) {
  const r = (shape: number[], seed: number, s = 0.2) => tf.variable(tf.randomNormal(shape, 0, s, 'float32', seed));
  const p = { emb: r([V, D], 1, 1), pos: r([T, D], 2, 0.5), wq: r([D, D], 3), wk: r([D, D], 4), wv: r([D, D], 5), wo: r([D, D], 6), w1: r([D, 2 * D], 7), w2: r([2 * D, D], 8), head: r([D, V], 9) };
  const norms = [0, 1, 2].map(() => registry.create('normalization', norm)) as [Layer, Layer, Layer];
  const causal = tf.linalg.bandPart(tf.ones([T, T]), -1, 0);
  const forward = (ids: tf.Tensor, training: boolean) => {
    let h = tf.add(tf.gather(p.emb, ids), p.pos); // [B, T, D]
    const a = norms[0].apply(h, { training }) as tf.Tensor;
    const [q, k, v] = [lin(a, p.wq), lin(a, p.wk), lin(a, p.wv)];
    const logits = tf.div(tf.matMul(q, k, false, true), Math.sqrt(D)); // [B, T, T]
    const att = tf.softmax(tf.where(tf.cast(causal, 'bool'), logits, tf.fill(logits.shape, -1e9)));
    h = tf.add(h, lin(tf.matMul(att, v), p.wo));
    h = tf.add(h, lin(tf.relu(lin(norms[1].apply(h, { training }) as tf.Tensor, p.w1)), p.w2));
    return lin(norms[2].apply(h, { training }) as tf.Tensor, p.head); // [B, T, V]
  };
  const build = (ids: tf.Tensor) => tf.tidy(() => void forward(ids, false));
  const vars = () => [...Object.values(p), ...norms.flatMap((n) => n.trainableWeights.map((w) => w.read() as tf.Variable))];
  const dispose = () => {
    tf.dispose([...Object.values(p), causal]);
    norms.forEach((n) => n.dispose());
  };
  return { forward, build, vars, dispose };
}

describe('a pre-norm Transformer with its norm given by name', () => {
  for (const norm of ['layer-norm', 'rms-norm', 'power-norm', 'unified-norm']) {
    it(`${norm}: trains a next-token task with optimizer.minimize, then predicts in inference`, () => {
      const seq = Array.from({ length: B * (T + 1) }, (_, i) => (i * 2 + Math.floor(i / 3)) % V);
      const ids = tf.tensor2d(Array.from({ length: B }, (_, b) => seq.slice(b * (T + 1), b * (T + 1) + T)), [B, T], 'int32');
      const next = tf.tidy(() => tf.oneHot(tf.tensor2d(Array.from({ length: B }, (_, b) => seq.slice(b * (T + 1) + 1, b * (T + 1) + T + 1)), [B, T], 'int32'), V));
      const model = makeModel(norm);
      model.build(ids);
      const opt = tf.train.adam(0.02);
      const losses: number[] = [];
      for (let step = 0; step < 40; step++) {
        const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(next, model.forward(ids, true)) as tf.Scalar, true, model.vars())!;
        losses.push(loss.dataSync()[0]!);
        loss.dispose();
      }
      expect(losses.every(Number.isFinite)).toBe(true);
      expect(losses[losses.length - 1]!).toBeLessThan(0.5 * losses[0]!);
      const evalLoss = tf.tidy(() => tf.losses.softmaxCrossEntropy(next, model.forward(ids, false)).dataSync()[0]!);
      expect(Number.isFinite(evalLoss)).toBe(true);
      opt.dispose();
      model.dispose();
      tf.dispose([ids, next]);
    });
  }
});

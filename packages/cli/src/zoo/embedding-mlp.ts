import * as tf from '@tensorflow/tfjs-core';
import { TesseraError, definePlugin, z, type TrainableModel } from '@tessera/core';
import type { ModelFactory } from './types.js';

export const embeddingMlpParams = z.strictObject({
  hidden: z.int().min(1).max(4096).default(128).describe('Units of the hidden layer.'),
  dim: z.int().min(2).max(1024).default(32).describe('Embedding dimension D.'),
  normalize: z.boolean().default(true).describe('L2-normalise the embeddings (cosine similarity).'),
});

let instances = 0;

/**
 * A two-tower-with-shared-weights encoder for pair data: one MLP
 * `F → hidden → D` (ReLU) applied to `x.anchor` and `x.positive`, returning
 * `{ embeddings, positives }` `[N, D]` for contrastive losses with in-batch
 * negatives. Glorot-uniform weights from the seed.
 *
 *   e(x) = W₂·relu(W₁x + b₁),  ê = e/‖e‖ (with `normalize`)
 *
 * @see https://arxiv.org/abs/1807.03748 (InfoNCE, the loss it is trained with in the example)
 */
export const embeddingMlpModel = definePlugin({
  kind: 'model',
  name: 'embedding-mlp',
  package: '@tessera/cli',
  summary: 'Shared MLP encoder for { anchor, positive } pairs → { embeddings, positives } [N, D] (optionally L2-normalised).',
  params: embeddingMlpParams,
  create: (p): ModelFactory => ({
    uses: [],
    build({ info, seed }) {
      const F = info.features;
      if (!F) throw new TesseraError('model "embedding-mlp" needs a pair dataset with flat features (e.g. "digit-pairs").');
      const id = ++instances;
      const glorot = (shape: [number, number], s: number) => {
        const lim = Math.sqrt(6 / (shape[0] + shape[1]));
        return tf.variable(tf.randomUniform(shape, -lim, lim, 'float32', seed * 1000 + s), true, `embedding-mlp${id}/w${s}`);
      };
      const w1 = glorot([F, p.hidden], 1);
      const b1 = tf.variable(tf.zeros([p.hidden]), true, `embedding-mlp${id}/b1`);
      const w2 = glorot([p.hidden, p.dim], 2);
      const encode = (x: tf.Tensor) => {
        const e = tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2);
        return p.normalize ? tf.div(e, tf.sqrt(tf.add(tf.sum(tf.square(e), -1, true), 1e-12))) : e;
      };
      const model: TrainableModel = {
        trainableVariables: [w1, b1, w2],
        forward(x) {
          const named = x as Record<string, tf.Tensor>;
          if (x instanceof tf.Tensor || !named['anchor'] || !named['positive']) {
            throw new TesseraError('embedding-mlp: x must be { anchor: [N, F], positive: [N, F] }.');
          }
          return { embeddings: encode(named['anchor']), positives: encode(named['positive']) };
        },
      };
      return model;
    },
  }),
});

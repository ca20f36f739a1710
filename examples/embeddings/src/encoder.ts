import * as tf from '@tensorflow/tfjs-core';
import type { FrozenModel, LossInputs, ModelInput, TrainableModel } from '@tessera/core';

/** A 64 → hidden → dim MLP encoder; `forward` embeds every column of a pair batch. */
export function encoder(hidden: number, dim: number, seed: number): TrainableModel & { encode(x: tf.Tensor): tf.Tensor2D; dispose(): void } {
  const glorot = (i: number, o: number, s: number) => tf.mul(tf.randomUniform([i, o], -1, 1, 'float32', s), Math.sqrt(6 / (i + o)));
  // tf.tidy frees the initial values (a variable holds its own reference to the data).
  const w1 = tf.tidy(() => tf.variable(glorot(64, hidden, seed), true, `enc${seed}_${hidden}/w1_${Math.random().toString(36).slice(2, 8)}`));
  const b1 = tf.tidy(() => tf.variable(tf.zeros([hidden]), true, `${w1.name}_b1`));
  const w2 = tf.tidy(() => tf.variable(glorot(hidden, dim, seed + 1), true, `${w1.name}_w2`));
  const encode = (x: tf.Tensor) => tf.matMul(tf.relu(tf.add(tf.matMul(x as tf.Tensor2D, w1), b1)), w2) as tf.Tensor2D;
  return {
    trainableVariables: [w1, b1, w2],
    encode,
    forward(x: ModelInput): LossInputs {
      const { anchor, positive, negatives } = x as Record<string, tf.Tensor>;
      const out: LossInputs = { embeddings: encode(anchor!), positives: encode(positive!) };
      if (negatives) {
        // Encode [N, Kc, 64] as a 2-D batch (the gradient of a batched-left matMul has the wrong shape in tfjs).
        const [n, k] = negatives.shape as [number, number, number];
        out['negatives'] = tf.reshape(encode(tf.reshape(negatives, [n * k, 64])), [n, k, -1]);
      }
      return out;
    },
    dispose: () => tf.dispose([w1, b1, w2]),
  };
}

/**
 * The GISTEmbed guide: a frozen "model" whose embedding is the centred pixel
 * vector (nearest neighbours in pixel space already find the right digit
 * about 98 % of the time, so it recognises most same-digit false negatives).
 * The trainer runs it outside the gradient tape and caches it by sample id.
 */
export function pixelGuide(mean: tf.Tensor1D): FrozenModel {
  return {
    name: 'guide',
    forward(x: ModelInput): LossInputs {
      const { anchor, positive, negatives } = x as Record<string, tf.Tensor>;
      const out: LossInputs = { guideEmbeddings: tf.sub(anchor!, mean), guidePositives: tf.sub(positive!, mean) };
      if (negatives) out['guideNegatives'] = tf.sub(negatives, mean);
      return out;
    },
  };
}

// A loss plugin written in user code: the Brier score (Brier, 1950), the mean squared error
// between the predicted class probabilities and the one-hot target,
//   ℓ = (1/N) Σ_n Σ_c (softmax(z_n)_c − y_nc)²,
// a proper scoring rule that, unlike cross-entropy, stays bounded (≤ 2) on confident mistakes.
// Plain JavaScript (ESM), so `tessera` can import it without a TypeScript loader.
import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, pluginModule, requireInput, z } from '@tessera/core';

export const brierLoss = definePlugin({
  kind: 'loss',
  name: 'brier',
  package: 'examples/custom-plugin',
  summary: 'Brier score: mean squared error between softmax probabilities and one-hot labels.',
  paper: { title: 'Verification of forecasts expressed in terms of probability', year: 1950 },
  io: { required: ['logits', 'labels'], output: 'logits', target: 'labels' },
  params: z.strictObject({
    scale: z.number().positive().max(100).default(1).describe('Multiplies the score (1 = the Brier score).'),
  }),
  create: (params, manifest) => ({
    manifest,
    compute(inputs, opts = {}) {
      const logits = requireInput(inputs, 'logits', 'loss "brier"', { rank: 2, describe: '[N, C]' });
      const labels = requireInput(inputs, 'labels', 'loss "brier"', { rank: 1, describe: '[N] int32 class ids' });
      return tf.tidy(() => {
        const target = tf.oneHot(tf.cast(labels, 'int32'), logits.shape[1]);
        const perSample = tf.mul(tf.sum(tf.square(tf.sub(tf.softmax(logits), target)), 1), params.scale);
        const reduction = opts.reduction ?? 'mean';
        return reduction === 'none' ? perSample : reduction === 'sum' ? tf.sum(perSample) : tf.mean(perSample);
      });
    },
  }),
});

// The module `plugins:` in a config loads: one line registers the plugin.
export default pluginModule(brierLoss);

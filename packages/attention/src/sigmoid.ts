import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, z } from '@tessera/core';
import { label, prepareInputs, quadraticAttention, scaledScores, scaleParam, softCapParam, variant, type AttentionVariant } from './attention-common.js';

const NAME = 'sigmoid';
const LABEL = label(NAME);

const params = z.strictObject({
  scale: scaleParam(),
  softCap: softCapParam(),
  bias: z
    .number()
    .min(-1e4)
    .max(1e4)
    .nullable()
    .default(null)
    .describe('Scalar b added to every logit before the sigmoid; null = −log Tk (the paper\'s −log n with n the number of keys of the call).'),
});

export type SigmoidAttentionParams = z.output<typeof params>;

/**
 * Sigmoid attention: an elementwise sigmoid instead of the row softmax, with
 * a scalar bias b = −log n so that the initial row mass is about 1.
 *
 * Notation: s the scale (default 1/√Dh), b the bias (default −log Tk),
 * A(i) the keys query i may attend to.
 *
 *   a_ij = σ(s·q_i·k_j + b)  for j ∈ A(i), else 0   (no row normalisation)
 *   o_i  = Σ_j a_ij v_j
 *
 * Order of operations follows Apple's reference code (`attention_simulator`):
 * scale q, q·kᵀ, (soft-cap), mask, + bias, sigmoid. Masked entries are set
 * to exactly 0 with `tf.where`, so a fully masked row gives 0. The paper
 * fixes n to the *training* length; here the default uses the call's Tk —
 * pass `bias` explicitly (e.g. `-Math.log(trainLength)`) to keep it fixed
 * across lengths. QK-normalisation, which the paper recommends with it, is
 * the `qkNorm` option of `MultiHeadAttention`.
 *
 * @see https://arxiv.org/abs/2409.04431
 */
export const sigmoidAttention = definePlugin({
  kind: 'attention',
  name: NAME,
  package: '@tessera/attention',
  summary: 'Sigmoid attention: elementwise σ(s·q·k + b) with b = −log n, no row normalisation (Apple, 2024).',
  paper: { title: 'Theory, Analysis, and Best Practices for Sigmoid Self-Attention', arxiv: '2409.04431', year: 2024 },
  params,
  create: (p, manifest): AttentionVariant<SigmoidAttentionParams> =>
    variant(
      manifest,
      p,
      (inputs) => {
        const x = prepareInputs(inputs, LABEL);
        return tf.tidy(() => {
          const b = p.bias ?? -Math.log(x.Tk);
          return quadraticAttention(x, inputs, scaledScores(x, p.scale, p.softCap), (s) => tf.sigmoid(tf.add(s, b)) as tf.Tensor4D);
        });
      },
      { formsWeights: true },
    ),
});

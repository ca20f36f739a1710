import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, z } from '@tessera/core';
import { label, prepareInputs, quadraticAttention, scaledScores, scaleParam, softCapParam, variant, type AttentionVariant } from './attention-common.js';

const NAME = 'relu';
const LABEL = label(NAME);

const params = z.strictObject({
  scale: scaleParam(),
  softCap: softCapParam(),
  normalize: z
    .enum(['seqLen', 'none'])
    .default('seqLen')
    .describe('Divide the weights by the number of keys Tk ("seqLen", Wortsman et al.) or not ("none").'),
});

export type ReluAttentionParams = z.output<typeof params>;

/**
 * ReLU attention: the row softmax replaced by an elementwise ReLU divided by
 * the sequence length.
 *
 * Notation: s the scale (default 1/√Dh), Tk the number of keys, A(i) the
 * keys query i may attend to.
 *
 *   a_ij = relu(s·q_i·k_j) / Tk  for j ∈ A(i), else 0   (normalize "seqLen")
 *   o_i  = Σ_j a_ij v_j
 *
 * Wortsman et al. divide by the sequence length L (here Tk, the same for
 * every row, also under a causal mask); `normalize: "none"` gives plain
 * ReLU weights (ReLA-style, without its output norm).
 *
 * @see https://arxiv.org/abs/2309.08586
 */
export const reluAttention = definePlugin({
  kind: 'attention',
  name: NAME,
  package: '@tessera/attention',
  summary: 'ReLU attention: relu(s·q·k) / Tk, no softmax (Wortsman et al., 2023).',
  paper: { title: 'Replacing softmax with ReLU in Vision Transformers', arxiv: '2309.08586', year: 2023 },
  params,
  create: (p, manifest): AttentionVariant<ReluAttentionParams> =>
    variant(
      manifest,
      p,
      (inputs) => {
        const x = prepareInputs(inputs, LABEL);
        return tf.tidy(() =>
          quadraticAttention(x, inputs, scaledScores(x, p.scale, p.softCap), (s) => {
            const r = tf.relu(s) as tf.Tensor4D;
            return p.normalize === 'seqLen' ? (tf.div(r, x.Tk) as tf.Tensor4D) : r;
          }),
        );
      },
      { formsWeights: true },
    ),
});

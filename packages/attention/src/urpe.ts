import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, ShapeError, z } from '@tessera/core';
import { label, MASKED_LOGIT, prepareInputs, quadraticAttention, scaledScores, scaleParam, softCapParam, variant, type AttentionVariant } from './attention-common.js';

const NAME = 'urpe';
const LABEL = label(NAME);

const params = z.strictObject({
  scale: scaleParam(),
  softCap: softCapParam(),
  maxLength: z.number().int().min(1).max(65536).default(512).describe('Largest key length L; the Toeplitz coefficients c_{−(L−1)} … c_{L−1} number 2L − 1 per head.'),
});

export type UrpeAttentionParams = z.output<typeof params>;

/**
 * Universal relative positional encoding (URPE) attention: the softmax
 * weights are multiplied elementwise by a learnable Toeplitz matrix per head.
 *
 * Notation: a_ij the softmax weights over allowed keys, r = p_i − j the
 * relative position (query i sits at position p_i = i + Tk − Tq), c_{h,r}
 * the coefficients of head h.
 *
 *   o_i = Σ_j (a_ij · c_{h, p_i − j}) v_j
 *
 * The coefficients are the weight `coefficients` of shape [H, 2L − 1]
 * (index r + L − 1), initialised to 1 (plain softmax attention); a
 * `MultiHeadAttention` owns and trains them, a bare call uses the
 * initial value. Rows no longer sum to 1 (intended by the paper).
 *
 * @see https://arxiv.org/abs/2205.13401
 */
export const urpeAttention = definePlugin({
  kind: 'attention',
  name: NAME,
  package: '@tessera/attention',
  summary: 'URPE attention: softmax weights times a learnable per-head Toeplitz matrix c_{i−j} (Luo et al., 2022).',
  paper: { title: 'Your Transformer May Not be as Powerful as You Expect', arxiv: '2205.13401', year: 2022 },
  params,
  create: (p, manifest): AttentionVariant<UrpeAttentionParams> =>
    variant(
      manifest,
      p,
      (inputs) => {
        const x = prepareInputs(inputs, LABEL);
        const L = p.maxLength;
        if (x.Tk > L || x.Tq > L) throw new ShapeError(`${LABEL}: Tq = ${x.Tq} and Tk = ${x.Tk} must not exceed maxLength = ${L}.`);
        const given = inputs.weights?.coefficients;
        if (given && (given.rank !== 2 || given.shape[0] !== x.H || given.shape[1] !== 2 * L - 1)) {
          throw new ShapeError(`${LABEL}: weights.coefficients must have shape [H, 2L − 1] = [${x.H}, ${2 * L - 1}]; got [${given.shape.join(', ')}].`);
        }
        return tf.tidy(() =>
          quadraticAttention(x, inputs, scaledScores(x, p.scale, p.softCap), (s, allowed) => {
            const a = allowed ? tf.softmax(tf.where(tf.broadcastTo(allowed, s.shape), s, tf.fill(s.shape, MASKED_LOGIT))) : tf.softmax(s);
            if (!given) return a as tf.Tensor4D;
            const pos = tf.reshape(tf.add(tf.range(0, x.Tq, 1, 'int32'), tf.scalar(x.Tk - x.Tq + L - 1, 'int32')), [x.Tq, 1]);
            const idx = tf.reshape(tf.sub(pos, tf.reshape(tf.range(0, x.Tk, 1, 'int32'), [1, x.Tk])), [x.Tq * x.Tk]);
            const C = tf.reshape(tf.gather(given, idx, 1), [1, x.H, x.Tq, x.Tk]);
            return tf.mul(a, C) as tf.Tensor4D;
          }),
        );
      },
      { formsWeights: true, weightSpecs: [{ name: 'coefficients', shape: (h) => [h, 2 * p.maxLength - 1], init: 1 }] },
    ),
});

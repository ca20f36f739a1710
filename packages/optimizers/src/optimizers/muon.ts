import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { defineOptimizer, learningRateField, maskOf, paramGroupsField, weightDecayMaskField } from '../define-optimizer.js';
import { chain, needParams, paramOf, perVariable, type GradientTransformation, type StateTree } from '../transform.js';
import { maskSelects } from '../transforms/add-decayed-weights.js';
import { scaleByAdam } from '../transforms/scale-by-adam.js';
import { partition } from '../transforms/partition.js';
import { addDecayedWeights } from '../transforms/add-decayed-weights.js';
import { scaleByLearningRate } from '../transforms/scale-by-learning-rate.js';

/**
 * Quintic Newton–Schulz iteration towards the orthogonal polar factor
 * (Keller Jordan's `zeropower_via_newtonschulz5`), in float32.
 *
 * Notation: X = G/(‖G‖_F + 1e-7), on the orientation with rows ≤ columns; (a, b, c) = (3.4445, −4.7750, 2.0315).
 *
 *   repeat `steps` times: A = XXᵀ;  B = bA + cA²;  X ← aX + BX
 */
export function newtonSchulz5(g: tf.Tensor2D, steps = 5): tf.Tensor2D {
  return tf.tidy(() => {
    const [a, b, c] = [3.4445, -4.775, 2.0315];
    const tall = g.shape[0] > g.shape[1];
    let x = (tall ? tf.transpose(g) : g) as tf.Tensor2D;
    x = tf.div(x, tf.add(tf.norm(x), 1e-7));
    for (let i = 0; i < steps; i++) {
      const xt = tf.transpose(x);
      const A = tf.matMul(x, xt);
      const B = tf.add(tf.mul(A, b), tf.mul(tf.matMul(A, A), c));
      x = tf.add(tf.mul(x, a), tf.matMul(B, x));
    }
    return (tall ? tf.transpose(x) : x) as tf.Tensor2D;
  });
}

/**
 * Muon: momentum orthogonalised by Newton–Schulz for matrices (rank ≥ 2),
 * AdamW for the other variables (as optax `contrib.muon`).
 *
 * Notation: tfjs layouts (output units last), a weight reshaped to [fan_in, fan_out]; b momentum buffer.
 *
 *   b ← βb + (1−β)g;  u = (1−β)g + βb (nesterov) or b;  O = NS5(u)·√max(1, fan_out/fan_in)
 *   θ ← θ(1 − ηλ) − η·O
 *
 * Matches Keller Jordan's `SingleDeviceMuon` (lerp momentum; its shape factor
 * √max(1, rows/cols) on PyTorch's [out, in] is the same quantity). PyTorch runs
 * the iteration in bfloat16; tfjs in float32.
 *
 * @see https://kellerjordan.github.io/posts/muon/
 */
export const { plugin: muon, Optimizer: MuonOptimizer } = defineOptimizer({
  name: 'muon',
  className: 'Tessera.Muon',
  summary: 'Muon: Newton–Schulz-orthogonalised momentum for weight matrices, AdamW for the rest.',
  paper: { title: 'Muon: An optimizer for hidden layers in neural networks', year: 2024, url: 'https://kellerjordan.github.io/posts/muon/' },
  params: z.strictObject({
    learningRate: learningRateField(0.02, 'Learning rate η (reference default 0.02).'),
    momentum: z.number().min(0).lt(1).default(0.95).describe('Momentum β.'),
    nesterov: z.boolean().default(true).describe('Nesterov-style interpolation of g and the buffer.'),
    nsSteps: z.number().int().min(1).default(5).describe('Newton–Schulz iterations.'),
    weightDecay: z.number().min(0).default(0).describe('Decoupled weight decay λ.'),
    adamBeta1: z.number().min(0).lt(1).default(0.9).describe('β1 of the AdamW used for rank ≤ 1 variables.'),
    adamBeta2: z.number().min(0).lt(1).default(0.999).describe('β2 of that AdamW.'),
    adamEpsilon: z.number().positive().default(1e-8).describe('ε of that AdamW.'),
    weightDecayMask: weightDecayMaskField,
    paramGroups: paramGroupsField,
  }),
  build: (hp, ctx): GradientTransformation => {
    const mask = maskOf(hp.weightDecayMask);
    const ortho: GradientTransformation = {
      init: () => ({}),
      update(updates, state, params) {
        const ps = needParams(params, 'muon');
        const lr = ctx.lr();
        const [out, slots] = perVariable(updates, state.slots as StateTree | undefined, (g) => ({ buf: tf.zerosLike(g) }), (g, s, name) => {
          const p = paramOf(ps, name, 'muon');
          const buf = tf.add(tf.mul(s.buf as tf.Tensor, hp.momentum), tf.mul(g, 1 - hp.momentum));
          const u = hp.nesterov ? tf.add(tf.mul(g, 1 - hp.momentum), tf.mul(buf, hp.momentum)) : buf;
          const fanOut = g.shape[g.rank - 1]!;
          const fanIn = g.size / fanOut;
          const o = tf.reshape(newtonSchulz5(tf.reshape(u, [fanIn, fanOut]) as tf.Tensor2D, hp.nsSteps), g.shape);
          let step = tf.mul(o, -lr * Math.sqrt(Math.max(1, fanOut / fanIn)));
          if (hp.weightDecay > 0 && maskSelects(mask, name, p)) step = tf.sub(step, tf.mul(p, lr * hp.weightDecay));
          return [step, { buf }];
        });
        return [out, { slots }];
      },
    };
    const adamw = chain(
      scaleByAdam({ beta1: hp.adamBeta1, beta2: hp.adamBeta2, epsilon: hp.adamEpsilon }),
      addDecayedWeights(hp.weightDecay, mask),
      scaleByLearningRate(() => ctx.lr()),
    );
    return partition({ muon: ortho, adamw }, (_n, p) => (p.rank >= 2 ? 'muon' : 'adamw'));
  },
});

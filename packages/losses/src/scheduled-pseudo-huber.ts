import * as tf from '@tensorflow/tfjs-core';
import { checkDim, optionalInput, z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { batchInput, sameShapeInput, sampleWeights } from './inputs.js';
import { reduceElementwise } from './reduce.js';

/**
 * Scheduled pseudo-Huber loss (Khrapov et al. 2024), as diffusers' `conditional_loss(loss_type="huber")`.
 *
 * Notation: `δ = x − t` elementwise, per-sample `c`:
 * `constant`: `c = huberC`; `exponential`: `c = exp(−α·timestep)`, `α = −ln(huberC)/numTrainTimesteps`
 * (input `timesteps [N]`); `snr`: `c = (1 − huberC)/(1 + σ_t)² + huberC`, `σ_t = sqrt((1 − ᾱ_t)/ᾱ_t)`
 * (input `alphasCumprod [N]`, the scheduler's ᾱ at each sample's timestep).
 * `ℓ = 2c·(sqrt(δ² + c²) − c)` (`huber`, ≈ δ² near 0, ≈ 2c|δ| far) or
 * `2·(sqrt(δ² + c²) − c)` (`smooth-l1`). Reductions as for the elementwise losses.
 * Default schedule `constant` (diffusers defaults to `snr`, which needs `alphasCumprod`).
 *
 * @see https://arxiv.org/abs/2403.16728
 */
export const scheduledPseudoHuber = defineLoss({
  name: 'scheduled-pseudo-huber',
  summary: 'Pseudo-Huber 2c(sqrt(δ² + c²) − c) with c scheduled by the diffusion timestep (diffusers huber loss).',
  paper: { title: "Improving Diffusion Models's Data-Corruption Resistance using Scheduled Pseudo-Huber Loss", arxiv: '2403.16728', year: 2024 },
  io: { required: ['predictions', 'targets'], optional: ['timesteps', 'alphasCumprod', 'weights'], output: 'predictions', target: 'targets' },
  params: z.strictObject({
    huberC: z.number().positive().max(1e3).default(0.1).describe('c₀: the constant c, the end value of the exponential schedule, the floor of the snr schedule.'),
    schedule: z.enum(['constant', 'exponential', 'snr']).default('constant').describe('How c depends on the timestep (exponential needs `timesteps`, snr needs `alphasCumprod`).'),
    numTrainTimesteps: z.number().int().min(1).max(1e7).default(1000).describe('Number of diffusion training timesteps T (exponential schedule).'),
    variant: z.enum(['huber', 'smooth-l1']).default('huber').describe('"huber": 2c(√(δ²+c²) − c); "smooth-l1": 2(√(δ²+c²) − c).'),
  }),
  compute(p, inputs, reduction, label) {
    const x = batchInput(inputs, 'predictions', label);
    const t = sameShapeInput(inputs, 'targets', label, x, 'predictions');
    const n = x.shape[0]!;
    const weights = sampleWeights(inputs, label, n);
    let c: tf.Tensor;
    if (p.schedule === 'constant') c = tf.scalar(p.huberC);
    else if (p.schedule === 'exponential') {
      const ts = optionalInput(inputs, 'timesteps', label, { rank: 1, dtype: ['int32', 'float32'], describe: '[N] timesteps' });
      if (!ts) throw new TypeError(`${label}: schedule "exponential" needs input "timesteps" [N].`);
      checkDim(ts, 0, n, 'timesteps', 'N', label);
      const alpha = -Math.log(p.huberC) / p.numTrainTimesteps;
      c = tf.exp(tf.mul(tf.cast(ts, 'float32'), -alpha));
    } else {
      const ac = optionalInput(inputs, 'alphasCumprod', label, { rank: 1, dtype: 'float32', describe: '[N] ᾱ_t per sample' });
      if (!ac) throw new TypeError(`${label}: schedule "snr" needs input "alphasCumprod" [N].`);
      checkDim(ac, 0, n, 'alphasCumprod', 'N', label);
      const sigma = tf.sqrt(tf.div(tf.sub(1, ac), ac));
      c = tf.add(tf.div(1 - p.huberC, tf.square(tf.add(sigma, 1))), p.huberC);
    }
    if (c.rank === 1) c = tf.reshape(c, [n, ...x.shape.slice(1).map(() => 1)]);
    const root = tf.sub(tf.sqrt(tf.add(tf.squaredDifference(x, t), tf.square(c))), c);
    const l = tf.mul(root, p.variant === 'huber' ? tf.mul(c, 2) : 2);
    return reduceElementwise(l, reduction, weights);
  },
});

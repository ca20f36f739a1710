import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, definePlugin, z, type Callback, type ForwardResult, type TrainerContext } from '@tessera/core';
import { PACKAGE } from './mining-utils.js';

/**
 * Auxiliary-loss-free load balancing for mixture-of-experts routers.
 *
 * Notation: router scores `s_{i,t}` of expert `i` for token `t`, a per-expert
 * bias `b_i` (non-trainable), tokens routed to expert `i` in the step
 * `c_i`, update rate `u`.
 * The router selects `TopK(s_{i,t} + b_i)` but gates with `s_{i,t}` (the bias
 * only steers selection). After every optimizer step:
 * `e_i = mean(c) − c_i`, `b_i ← b_i + u·sign(e_i)`: under-loaded experts
 * become more likely to be chosen. Logged: `maxVio = (max c − mean c)/mean c`.
 *
 * Wiring: the model's router reads `callback.bias` (an `[E]` variable) when it
 * ranks experts and returns the per-expert token counts `[E]` in its output
 * record under `countsField` (summed over micro-batches when gradients are
 * accumulated). The bias takes no gradient and is saved in checkpoints.
 *
 * @see https://arxiv.org/abs/2408.15664
 */
export const lossFreeBalancing = definePlugin({
  kind: 'callback',
  name: 'loss-free-balancing',
  summary: 'Auxiliary-loss-free MoE load balancing: per-expert routing bias b ← b + u·sign(mean(c) − c) after each step.',
  paper: { title: 'Auxiliary-Loss-Free Load Balancing Strategy for Mixture-of-Experts', arxiv: '2408.15664', year: 2024 },
  package: PACKAGE,
  params: z.strictObject({
    numExperts: z.number().int().min(1).max(1e6).default(8).describe('Number of experts E (size of the bias).'),
    updateRate: z.number().min(0).max(10).default(1e-3).describe('Bias update rate u (paper 1e-3).'),
    countsField: z.string().min(1).max(200).default('expertCounts').describe('Field of the model output holding the per-expert token counts [E].'),
  }),
  create: (p, manifest): Callback & { readonly bias: tf.Variable; dispose(): void } => {
    const label = 'callback "loss-free-balancing"';
    const bias = tf.tidy(() => tf.variable(tf.zeros([p.numExperts]), false, `loss-free-balancing/bias_${Math.random().toString(36).slice(2, 10)}`));
    let counts: tf.Tensor | undefined;
    return {
      manifest,
      stateKey: 'callback:loss-free-balancing',
      bias,
      afterForward(_ctx: TrainerContext, result: ForwardResult) {
        const out = result.outputs as Record<string, tf.Tensor> | tf.Tensor;
        const c = out instanceof tf.Tensor ? undefined : out[p.countsField];
        if (!(c instanceof tf.Tensor) || c.rank !== 1 || c.shape[0] !== p.numExperts) {
          throw new ShapeError(`${label}: the model output must hold "${p.countsField}" [${p.numExperts}] (tokens routed to each expert); got ${c instanceof tf.Tensor ? `shape [${c.shape.join(', ')}]` : 'nothing'}.`);
        }
        const next = tf.keep(counts ? tf.add(counts, tf.cast(c, 'float32')) : tf.cast(c, 'float32'));
        counts?.dispose();
        counts = next;
      },
      async afterStep(ctx: TrainerContext) {
        if (!counts) return;
        const c = counts;
        counts = undefined;
        const vio = tf.tidy(() => {
          const mean = tf.mean(c);
          bias.assign(tf.add(bias, tf.mul(tf.sign(tf.sub(mean, c)), p.updateRate)));
          return tf.div(tf.sub(tf.max(c), mean), tf.maximum(mean, 1e-12));
        });
        c.dispose();
        ctx.log('maxVio', (await vio.data())[0]!);
        vio.dispose();
      },
      /** Frees the bias (and pending counts). */
      dispose() {
        counts?.dispose();
        bias.dispose();
      },
      getState: () => ({ bias }),
      setState(state) {
        if (state['bias']) bias.assign(state['bias']);
      },
    };
  },
});

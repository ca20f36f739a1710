import * as tf from '@tensorflow/tfjs-core';
import type { Loss, LossInputs, Miner } from '@tessera/core';

/**
 * A loss whose inputs pass through `miners` first (in order), so a miner can
 * be used wherever a loss is: `trainer.fit({ loss: withMiners(infoNce, hardNegative) })`.
 * The manifest (and so the trainer's `io` mapping) is the loss's own.
 *
 * The trainer has no miner slot of its own yet; this wrapper is how a config
 * selects one (see the package README).
 */
export function withMiners(loss: Loss, ...miners: Miner[]): Loss {
  return {
    manifest: loss.manifest,
    compute(inputs: LossInputs, opts) {
      return tf.tidy(() => loss.compute(miners.reduce<LossInputs>((acc, m) => m.mine(acc), inputs), opts));
    },
  };
}

import * as tf from '@tensorflow/tfjs-core';
import { isStateful, type Loss, type LossInputs, type Miner, type Stateful } from '@tessera/core';

/**
 * A loss whose inputs pass through `miners` first (in order), so a miner can
 * be used wherever a loss is: `trainer.fit({ loss: withMiners(infoNce, hardNegative) })`.
 * The manifest (and so the trainer's `io` mapping) is the loss's own.
 *
 * When the loss or a miner keeps state (a `cross-batch-memory` bank, a
 * stateful loss), the wrapper is itself stateful: its state is the union of
 * theirs under `loss/…` and `miner<i>/…`, so the trainer saves it in
 * checkpoints under `loss:<name>`.
 *
 * The trainer has no miner slot of its own yet; this wrapper is how a config
 * selects one (see the package README).
 */
export function withMiners(loss: Loss, ...miners: Miner[]): Loss & Partial<Stateful> {
  const compute: Loss['compute'] = (inputs: LossInputs, opts) =>
    tf.tidy(() => loss.compute(miners.reduce<LossInputs>((acc, m) => m.mine(acc), inputs), opts));
  const parts: [string, Stateful][] = [
    ...(isStateful(loss) ? [['loss', loss] as [string, Stateful]] : []),
    ...miners.flatMap((m, i) => (isStateful(m) ? [[`miner${i}`, m] as [string, Stateful]] : [])),
  ];
  if (parts.length === 0) return { manifest: loss.manifest, compute };
  return {
    manifest: loss.manifest,
    compute,
    ...(isStateful(loss) && loss.stateKey ? { stateKey: loss.stateKey } : {}),
    getState() {
      const out: Record<string, tf.Tensor> = {};
      for (const [prefix, s] of parts) for (const [k, t] of Object.entries(s.getState())) out[`${prefix}/${k}`] = t;
      return out;
    },
    setState(state) {
      for (const [prefix, s] of parts) {
        const mine = Object.fromEntries(Object.entries(state).filter(([k]) => k.startsWith(`${prefix}/`)).map(([k, t]) => [k.slice(prefix.length + 1), t]));
        if (Object.keys(mine).length) s.setState(mine);
      }
    },
  };
}

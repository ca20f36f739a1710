import * as tf from '@tensorflow/tfjs-core';
import { checkDim, requireInput, ShapeError, z, type LossInputs, type Stateful } from '@tessera/core';

/** Shared zod field: the dataset size that bounds `sampleIds`. */
export const zNumSamples = () =>
  z.number().int().min(1).max(1e9).default(50000).describe('Dataset size: sampleIds must lie in [0, numSamples) (per-sample state is kept for each).');

/** `sampleIds [N]` int32. */
export function sampleIdsInput(inputs: LossInputs, label: string, n: number): tf.Tensor1D {
  const ids = requireInput(inputs, 'sampleIds', label, { rank: 1, dtype: 'int32', describe: '[N] int32 dataset indices' });
  checkDim(ids, 0, n, 'sampleIds', 'N', label);
  return ids as tf.Tensor1D;
}

/**
 * Named per-sample state vectors `[numSamples]`, replaced (never mutated)
 * at each update; the replaced tensors are disposed. Implements core's
 * `Stateful` so the trainer checkpoints it. Rows are addressed by
 * `sampleIds`; with duplicate ids in one batch the last write wins.
 */
export class SampleState implements Stateful {
  #state: Record<string, tf.Tensor> = {};
  constructor(
    readonly stateKey: string,
    readonly numSamples: number,
    private readonly init: Record<string, number>,
  ) {}

  /** The state vector `name` (created with its initial value on first use). */
  get(name: string): tf.Tensor1D {
    let t = this.#state[name];
    if (!t) {
      t = tf.keep(tf.fill([this.numSamples], this.init[name] ?? 0, 'float32'));
      this.#state[name] = t;
    }
    return t as tf.Tensor1D;
  }

  /** Values of `name` at `ids` (`[N]`). */
  gather(name: string, ids: tf.Tensor1D): tf.Tensor1D {
    return tf.gather(this.get(name), ids) as tf.Tensor1D;
  }

  /** Writes `values [N]` at `ids` into `name` (kept; the previous tensor disposed). */
  scatter(name: string, ids: tf.Tensor1D, values: tf.Tensor): void {
    const prev = this.get(name);
    // tfjs' cpu TensorScatterUpdate writes into its input buffer, which tf.clone shares: update a private copy
    const copy = tf.add(prev, tf.scalar(0));
    const next = tf.keep(tf.tensorScatterUpdate(copy, tf.expandDims(ids, 1), tf.reshape(values, [-1])));
    this.#state[name] = next;
    prev.dispose();
  }

  /** Replaces the whole vector `name`. */
  replace(name: string, value: tf.Tensor): void {
    const prev = this.#state[name];
    this.#state[name] = tf.keep(value);
    prev?.dispose();
  }

  getState(): Record<string, tf.Tensor> {
    for (const k of Object.keys(this.init)) this.get(k);
    return { ...this.#state };
  }

  setState(state: Record<string, tf.Tensor>): void {
    for (const [k, v] of Object.entries(state)) {
      if (!(k in this.init)) throw new ShapeError(`${this.stateKey}: unknown state "${k}"; expected ${Object.keys(this.init).join(', ')}.`);
      if (v.size !== this.numSamples) throw new ShapeError(`${this.stateKey}: state "${k}" must have ${this.numSamples} values (numSamples); got shape [${v.shape.join(', ')}].`);
      this.replace(k, tf.tidy(() => tf.clone(tf.reshape(v, [this.numSamples]))));
    }
  }

  dispose(): void {
    tf.dispose(Object.values(this.#state));
    this.#state = {};
  }

  /** The `Stateful` members (and `dispose`) a loss spreads into itself: `{ manifest, ...state.members(), compute }`. */
  members(): Stateful & { dispose(): void } {
    return {
      stateKey: this.stateKey,
      getState: () => this.getState(),
      setState: (s) => this.setState(s),
      dispose: () => this.dispose(),
    };
  }
}

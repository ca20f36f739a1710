import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * A plugin that keeps state across steps (a running minimum, per-sample
 * temperatures, an embedding bank, pruning masks). The trainer saves and
 * restores it with every checkpoint, under the plugin's `stateKey`.
 */
export interface Stateful {
  /** A key unique within one run, e.g. `loss:aldr-kl`. Defaults to `<kind>:<name>`. */
  readonly stateKey?: string;
  /**
   * The state as named tensors: the plugin's own (which the caller leaves alone) or tensors
   * built by this call (which the caller frees once read).
   */
  getState(): Record<string, Tensor>;
  /** Replaces the state; the plugin copies what it keeps and disposes what it replaces. */
  setState(state: Record<string, Tensor>): void;
}

export function isStateful(x: unknown): x is Stateful {
  return typeof x === 'object' && x !== null && typeof (x as Stateful).getState === 'function' && typeof (x as Stateful).setState === 'function';
}

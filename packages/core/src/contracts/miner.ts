import type { PluginManifest } from '../plugin/plugin.js';
import type { LossInputs } from './loss.js';

/**
 * A miner selects which pairs or negatives a step learns from. It receives
 * the loss inputs of a batch (embeddings, positives, candidate negatives,
 * labels) and returns them with the mined fields set (e.g. `negatives
 * [N, K, D]`, or `weights [N]`).
 */
export interface Miner {
  readonly manifest: PluginManifest<any>;
  mine(inputs: LossInputs): LossInputs;
}

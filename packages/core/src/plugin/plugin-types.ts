import type { Optimizer } from '@tensorflow/tfjs-core';
import type { Attention } from '../contracts/attention.js';
import type { Callback } from '../contracts/callback.js';
import type { Loss, Regularizer } from '../contracts/loss.js';
import type { Miner } from '../contracts/miner.js';
import type { Schedule } from '../contracts/schedule.js';

/**
 * The instance type of each kind, as `registry.create(kind, …)` returns it.
 * Packages that add a kind extend it by declaration merging:
 *
 * ```ts
 * declare module '@tessera/core' { interface PluginTypes { normalization: Layer } }
 * ```
 */
export interface PluginTypes {
  loss: Loss;
  regularizer: Regularizer;
  optimizer: Optimizer;
  schedule: Schedule;
  attention: Attention;
  callback: Callback;
  miner: Miner;
}

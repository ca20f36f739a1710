import * as tf from '@tensorflow/tfjs-core';
import type { Loss, LossComputeOptions, LossInputs } from '../contracts/loss.js';
import { TesseraError } from '../errors.js';

/** How the targets tfjs-layers hands over (`yTrue`, float32, same rank as the output) become the loss's target field. */
export type LayersTargetMode = 'as-is' | 'class-ids';

export interface LayersLossOptions {
  /**
   * `as-is` (default): `yTrue` is passed unchanged (regression targets, or
   * `[N, C]` probabilities/one-hot for cross-entropy-like losses).
   * `class-ids`: `[N, C]` one-hot → argmax, `[N, 1]` or `[N]` → reshaped,
   * as int32 `[N]` class ids (tfjs-layers requires targets of the output's
   * rank, so sparse labels arrive as `[N, 1]`).
   */
  readonly targets?: LayersTargetMode;
  /** Extra loss inputs that are constant across batches (rarely needed). */
  readonly extra?: () => LossInputs;
  readonly reduction?: LossComputeOptions['reduction'];
}

/** A tfjs-layers loss function: `(yTrue, yPred) => loss`, what `model.compile({ loss })` accepts. */
export type LayersLossFn = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;

/**
 * Adapts a Tessera loss to `model.compile({ loss })` of tfjs-layers: the
 * model output becomes the loss's output field (its manifest's `io.output`,
 * default `logits`) and `yTrue` its target field (`io.target`, default
 * `labels`). The model's last layer must produce what the loss expects
 * (logits, not softmax probabilities, for cross-entropy).
 *
 * @example
 * model.compile({ optimizer: registry.create('optimizer', 'adamw'), loss: toLayersLoss(registry.create('loss', 'cross-entropy'), { targets: 'class-ids' }) });
 */
export function toLayersLoss(loss: Loss, opts: LayersLossOptions = {}): LayersLossFn {
  if (!loss || typeof loss.compute !== 'function') throw new TesseraError('toLayersLoss: expected a Tessera loss (an object with compute(inputs)).');
  const output = loss.manifest?.io?.output ?? 'logits';
  const target = loss.manifest?.io?.target ?? 'labels';
  const mode = opts.targets ?? 'as-is';
  const fn: LayersLossFn = (yTrue, yPred) =>
    tf.tidy(() => {
      let t: tf.Tensor = yTrue;
      if (mode === 'class-ids') {
        t = yTrue.rank >= 2 && yTrue.shape[yTrue.rank - 1]! > 1 ? tf.argMax(yTrue, -1) : tf.reshape(yTrue, [-1]);
        t = tf.cast(t, 'int32');
      }
      const inputs: LossInputs = { ...(opts.extra?.() ?? {}), [output]: yPred, [target]: t };
      return loss.compute(inputs, { reduction: opts.reduction ?? 'mean' });
    });
  // tfjs-layers names compiled losses after the function (shown in errors and logs).
  Object.defineProperty(fn, 'name', { value: loss.manifest?.name ?? 'tesseraLoss' });
  return fn;
}

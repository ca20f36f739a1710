import type { ServiceIdentifier } from 'inversify';
import type { Tensor } from '@tensorflow/tfjs-core';
import type { LossInputs } from './loss.js';
import type { ModelInput } from './model.js';

/**
 * An auxiliary model that takes no gradient (a guide model for GISTEmbed, a
 * reference or prior model, a teacher). The trainer runs it on every batch
 * outside the gradient tape and adds its output to the loss inputs.
 *
 * Bind one in the container (`bind(FrozenModelToken).toConstantValue(...)`)
 * or pass it in `FitOptions.frozenModels`.
 */
export interface FrozenModel {
  /** Names it in errors and logs, e.g. `guide`. */
  readonly name: string;
  /** The loss-input field that receives a tensor output, e.g. `guideEmbeddings` or `teacherLogits`. */
  readonly output?: string;
  /** Its forward pass; a record output is merged into the loss inputs field by field. */
  forward(x: ModelInput): Tensor | LossInputs;
  /**
   * Cache outputs by the batch's `sampleIds` field (one host read of the ids
   * per step; only unseen samples are run). Default true.
   */
  readonly cache?: boolean;
}

export const FrozenModelToken: ServiceIdentifier<FrozenModel> = Symbol.for('@tessera/core/FrozenModel');

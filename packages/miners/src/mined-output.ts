import * as tf from '@tensorflow/tfjs-core';
import { checkDim, optionalInput, type LossInputs } from '@tessera/core';
import { gatherRows } from './mining-utils.js';

/**
 * Builds a miner's output: the inputs with `negatives [N, K, D]` gathered from
 * `pool` at `indices` (gradient flows into the selected rows), slots that
 * found no candidate filled with zero vectors (cosine-neutral: similarity 0,
 * no gradient), `negativeMask [N, K]` (true = a mined negative),
 * `negativeIndices [N, K]` int32 into the pool, and `weights [N]` multiplied
 * by 0 for rows with fewer than K negatives when `dropIncomplete`.
 */
export function minedOutput(
  inputs: LossInputs,
  label: string,
  pool: tf.Tensor2D,
  indices: tf.Tensor2D,
  valid: tf.Tensor2D,
  dropIncomplete: boolean,
  extra: LossInputs = {},
): LossInputs {
  const n = indices.shape[0];
  const gathered = gatherRows(pool, indices);
  const negatives = tf.where(tf.expandDims(valid, 2), gathered, tf.zerosLike(gathered)) as tf.Tensor3D;
  const out: LossInputs = { ...inputs, ...extra, negatives, negativeMask: valid, negativeIndices: tf.cast(indices, 'int32') };
  if (dropIncomplete) {
    const complete = tf.cast(tf.all(valid, 1), 'float32');
    const w = optionalInput(inputs, 'weights', label, { rank: 1, dtype: 'float32', describe: '[N] float32' });
    if (w) checkDim(w, 0, n, 'weights', 'N', label);
    out['weights'] = w ? tf.mul(w, complete) : complete;
  }
  return out;
}

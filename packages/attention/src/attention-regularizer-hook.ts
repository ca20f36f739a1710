import * as tf from '@tensorflow/tfjs-core';
import type { Loss } from '@tessera/core';

/** A regularizer plugin (`{ compute(inputs) }`, e.g. the `attention-entropy` regularizer of @tessera/losses) or a function of the weights. */
export type AttentionRegularizer = Pick<Loss, 'compute'> | ((weights: tf.Tensor) => tf.Tensor);

/**
 * Hands the attention weights of every call to a regularizer and collects
 * the terms, so the training loss can add them.
 *
 * ```ts
 * const hook = new AttentionRegularizerHook(registry.create('regularizer', 'attention-entropy'));
 * const block = new TransformerBlock({ numHeads: 4, onWeights: hook.onWeights });
 * // inside the loss function (same gradient tape):
 * const loss = tf.add(taskLoss, tf.mul(1e-3, hook.take()));
 * ```
 *
 * A plugin receives `{ [field]: weights }` with `field` = `'attention'` by
 * default; weights are `[B, H, Tq, Tk]` with masked entries 0. Only variants
 * that form the weight matrix (`formsWeights`) call the hook; the linear ones
 * never build it.
 */
export class AttentionRegularizerHook {
  #terms: tf.Tensor[] = [];

  constructor(
    readonly regularizer: AttentionRegularizer,
    readonly field = 'attention',
  ) {}

  /** Pass this as `onWeights` to an attention call, a MultiHeadAttention or a TransformerBlock. */
  readonly onWeights = (weights: tf.Tensor): void => {
    const r = this.regularizer;
    const term = typeof r === 'function' ? r(weights) : r.compute({ [this.field]: weights });
    this.#terms.push(tf.keep(tf.mean(term)));
  };

  /** Number of terms collected since the last `take`/`reset`. */
  get count(): number {
    return this.#terms.length;
  }

  /** The sum of the collected terms (a scalar; 0 when none) — and forgets them. */
  take(): tf.Scalar {
    const terms = this.#terms;
    this.#terms = [];
    if (terms.length === 0) return tf.scalar(0);
    const total = tf.tidy(() => tf.addN(terms) as tf.Scalar);
    tf.dispose(terms);
    return total;
  }

  /** Drops the collected terms. */
  reset(): void {
    tf.dispose(this.#terms);
    this.#terms = [];
  }
}

/**
 * Mean Shannon entropy of the attention rows, −Σ_j a_ij log a_ij, averaged
 * over B, H and the query rows (0·log 0 = 0: masked entries contribute
 * nothing, a fully masked row has entropy 0). A function regularizer for
 * {@link AttentionRegularizerHook} when @tessera/losses is not loaded.
 */
export function attentionEntropy(weights: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    // a·log(max(a, 1e-30)): exactly 0 where a = 0, no comparison on the tape
    const h = tf.neg(tf.sum(tf.mul(weights, tf.log(tf.maximum(weights, 1e-30))), -1));
    return tf.mean(h) as tf.Scalar;
  });
}

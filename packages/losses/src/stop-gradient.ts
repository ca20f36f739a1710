import * as tf from '@tensorflow/tfjs-core';

type GradResult = { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[] };

/** `tf.customGrad` with typed positional tensor arguments; the last argument is the save function. */
export function customGrad<A extends tf.Tensor[]>(fn: (...args: [...A, tf.GradSaveFunc]) => GradResult): (...args: A) => tf.Tensor {
  return tf.customGrad(fn as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (...args: A) => tf.Tensor;
}

/** Identity forward, zero gradient: core's, re-exported for the losses' detached quantities. */
export { stopGradient } from '@tessera/core';

/**
 * A boolean mask computed from `x` outside the gradient tape: comparison
 * kernels have no gradient in tfjs, so `tf.where(tf.less(x, c), …)` fails
 * under `tf.grad` when `x` is differentiated. The mask's gradient is zero.
 */
export function detachedMask(x: tf.Tensor, predicate: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
  return customGrad<[tf.Tensor]>((v, save) => {
    save([v]);
    return { value: predicate(v), gradFunc: (_dy, saved) => tf.zerosLike(saved[0]!) };
  })(x);
}

/**
 * `fn(x)` computed off the gradient tape, with a zero gradient: for
 * quantities the reference code `.detach()`es (per-sample state updates,
 * detached weights). Ops inside `fn` need no gradient kernels.
 */
export function detached(x: tf.Tensor, fn: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
  return detachedMask(x, fn);
}

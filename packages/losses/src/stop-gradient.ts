import * as tf from '@tensorflow/tfjs-core';

/**
 * Identity forward, zero gradient (tfjs-core has no `stopGradient`). Used for
 * detached quantities (`.detach()` / `.data` in the reference code).
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  return tf.customGrad((v: tf.Tensor, save: tf.GradSaveFunc) => {
    save([v]);
    return { value: tf.clone(v), gradFunc: (_dy: tf.Tensor, saved: tf.Tensor[]) => tf.zerosLike(saved[0]!) };
  })(x) as T;
}

/**
 * A boolean mask computed from `x` outside the gradient tape: comparison
 * kernels have no gradient in tfjs, so `tf.where(tf.less(x, c), …)` fails
 * under `tf.grad` when `x` is differentiated. The mask's gradient is zero.
 */
export function detachedMask(x: tf.Tensor, predicate: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
  return tf.customGrad((v: tf.Tensor, save: tf.GradSaveFunc) => {
    save([v]);
    return { value: predicate(v), gradFunc: (_dy: tf.Tensor, saved: tf.Tensor[]) => tf.zerosLike(saved[0]!) };
  })(x);
}

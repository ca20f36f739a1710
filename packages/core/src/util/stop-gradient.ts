import * as tf from '@tensorflow/tfjs-core';

/**
 * Identity forward, zero gradient: tfjs-core has no `stopGradient`. For
 * detached quantities (`.detach()` in PyTorch): reweighting weights,
 * per-sample state, targets built from the model's own outputs.
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  const f = tf.customGrad(((v: tf.Tensor, save: tf.GradSaveFunc) => {
    save([v]);
    return { value: tf.clone(v), gradFunc: (_dy: tf.Tensor, saved: tf.Tensor[]) => tf.zerosLike(saved[0]!) };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(x) as T;
}

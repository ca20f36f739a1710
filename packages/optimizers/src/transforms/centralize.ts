import * as tf from '@tensorflow/tfjs-core';
import { stateless, type GradientTransformation } from '../transform.js';

/**
 * Gradient centralisation: subtracts from each weight gradient of rank > 1
 * its mean over every axis but the output axis.
 *
 * Notation: g gradient of a weight whose last axis indexes output units (tfjs layout).
 *
 *   u = g − mean(g over axes 0 … r−2)     (rank ≤ 1: unchanged)
 *
 * The paper (PyTorch layout `[out, in, …]`) averages over every axis but the
 * first; in tfjs the output axis is the last. optax's `centralize` averages
 * over axes 1 … r−1 of its (flax) layout, i.e. keeps the *input* axis: we
 * follow the paper.
 *
 * @see https://arxiv.org/abs/2004.01461
 */
export function centralize(): GradientTransformation {
  return stateless((g) => (g.rank > 1 ? tf.sub(g, tf.mean(g, g.shape.slice(0, -1).map((_, i) => i), true)) : g));
}

import type { GradientTransformation, ScalarOrSchedule, StateTree } from '../transform.js';
import { valueAt } from '../transform.js';

/**
 * Makes any hyperparameter of a transformation factory schedulable (optax
 * `inject_hyperparams`): each step evaluates every entry of `hyperparams` at
 * the step count, rebuilds the inner transformation from the numbers and
 * runs it on its kept state. The values used are recorded in the state
 * (`hyperparams`), so they can be logged.
 *
 * @example injectHyperparams((h) => chain(scaleByAdam({ beta1: h.beta1 }), scaleByLearningRate(h.learningRate)), { learningRate: cosine, beta1: 0.9 })
 */
export function injectHyperparams<H extends Record<string, number>>(
  factory: (hp: H) => GradientTransformation<any>,
  hyperparams: { [K in keyof H]: ScalarOrSchedule },
): GradientTransformation {
  const at = (step: number): H => {
    const h: Record<string, number> = {};
    for (const [k, v] of Object.entries(hyperparams)) h[k] = valueAt(v as ScalarOrSchedule, step);
    return h as H;
  };
  return {
    init(params) {
      const h = at(0);
      return { count: 0, hyperparams: { ...h }, inner: factory(h).init(params) };
    },
    update(updates, state, params) {
      const count = (state.count as number | undefined) ?? 0;
      const h = at(count);
      const tx = factory(h);
      const [u, s] = tx.update(updates, (state.inner as StateTree | undefined) ?? tx.init({}), params);
      return [u, { count: count + 1, hyperparams: { ...h }, inner: s }];
    },
  };
}

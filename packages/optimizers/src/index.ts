/**
 * @tessera/optimizers — optax-style gradient transformations, optimizers
 * (tf.Optimizer subclasses registered with tf.serialization) and
 * learning-rate schedules.
 */
export * from './transform.js';
export * from './transforms/index.js';
export { TransformOptimizer, type BuildContext, type GroupSelector, type ParamGroup } from './transform-optimizer.js';
export { defineOptimizer, learningRateField, paramGroupsField, weightDecayMaskField, type OptimizerClass, type OptimizerDefinition } from './define-optimizer.js';
export * from './optimizers/index.js';
export * from './schedules/index.js';
export { reduceOnPlateau } from './callbacks/reduce-on-plateau.js';
export { lrRangeTest, type LrRangeResult } from './callbacks/lr-range-test.js';
export { default } from './module.js';
export { mupParamGroups, type MupOptions, type MupVariable } from './mup.js';

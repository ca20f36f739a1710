// Runs against the built dist/ (pnpm build first): the package's public entry points load,
// register their plugins and tfjs classes, and an optimizer steps.
import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs-core';
import { createRegistry } from '@tessera/core';
import optimizers from '../dist/module.js';
import { adamw, TransformOptimizer } from '../dist/index.js';

describe('@tessera/optimizers dist', () => {
  it('registers its plugins and steps an optimizer', () => {
    const registry = createRegistry(optimizers);
    expect(registry.list('optimizer').length).toBeGreaterThanOrEqual(30);
    expect(registry.list('schedule').length).toBeGreaterThanOrEqual(13);
    const v = tf.variable(tf.tensor1d([1, 2]), true, 'dist_w');
    const opt = adamw.create({ learningRate: 0.1, weightDecay: 0 });
    expect(opt).toBeInstanceOf(TransformOptimizer);
    opt.applyGradients({ [v.name]: tf.tensor1d([1, -1]) });
    expect(Array.from(v.dataSync()).map((x) => Math.round(x * 1000) / 1000)).toEqual([0.9, 2.1]);
    expect(tf.serialization.SerializationMap.getMap().classNameMap['Tessera.AdamW']).toBeDefined();
    v.dispose();
    opt.dispose();
  });
});

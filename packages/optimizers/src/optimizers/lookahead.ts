import { z } from '@tessera/core';
import { buildBase, defineOptimizer, learningRateField, paramGroupsField } from '../define-optimizer.js';
import { lookahead as lookaheadTx } from '../transforms/lookahead.js';

/**
 * Lookahead around any base optimizer (timm's `lookahead_<name>`, Zhang et al.):
 * every k steps the slow weights move α of the way to the fast ones and the fast
 * weights restart from them (see the `lookahead` transformation).
 *
 *   θ ← base step;  every k-th step: φ ← φ + α(θ − φ), θ ← φ
 *
 * @see https://arxiv.org/abs/1907.08610
 */
export const { plugin: lookaheadOptimizer, Optimizer: LookaheadOptimizer } = defineOptimizer({
  name: 'lookahead',
  className: 'Tessera.Lookahead',
  summary: 'Lookahead: slow weights pulled towards the fast weights of any base optimizer every k steps.',
  paper: { title: 'Lookahead Optimizer: k steps forward, 1 step back', arxiv: '1907.08610', year: 2019 },
  params: z.strictObject({
    learningRate: learningRateField(1e-3, "The base optimizer's learning rate."),
    syncPeriod: z.number().int().min(1).default(6).describe('k: fast steps between synchronisations (optax default 6; paper 5–10).'),
    slowStepSize: z.number().gt(0).max(1).default(0.5).describe('α: step of the slow weights.'),
    baseOptimizer: z.string().default('adam').describe('Registry name of the base optimizer.'),
    baseParams: z.record(z.string(), z.unknown()).default({}).describe('Hyperparameters of the base optimizer.'),
    paramGroups: paramGroupsField,
  }),
  build: (hp, ctx) =>
    lookaheadTx(buildBase(hp.baseOptimizer, { ...hp.baseParams, learningRate: 0 }, ctx, 'optimizer "lookahead"'), { syncPeriod: hp.syncPeriod, slowStepSize: hp.slowStepSize }),
});

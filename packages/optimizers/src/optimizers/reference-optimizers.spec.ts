import { describe, it } from 'vitest';
import { createRegistry } from '@tessera/core';
import optimizers from '../module.js';
import { checkTrajectory, fixtureCases, type TrajectoryCase } from '../spec-helpers.js';

const registry = createRegistry(optimizers);

describe('optimizers without a torch.optim counterpart, against their reference re-implemented in tools/oracle (12 steps)', () => {
  for (const c of fixtureCases<TrajectoryCase>('reference-optimizers.json')) {
    it(`${c.optimizer}: ${c.name}`, () => {
      checkTrajectory(c, registry.create('optimizer', c.optimizer, c.params));
    });
  }
});

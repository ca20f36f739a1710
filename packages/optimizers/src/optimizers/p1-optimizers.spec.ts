import { describe, it } from 'vitest';
import { createRegistry } from '@tessera/core';
import optimizers from '../module.js';
import { checkTrajectory, fixtureCases, type TrajectoryCase } from '../spec-helpers.js';

const registry = createRegistry(optimizers);

describe('P1 optimizers (AdamP, SGDP, Muon, AdEMAMix, ADOPT, MADGRAD) against their official code re-implemented (12 steps)', () => {
  for (const c of fixtureCases<TrajectoryCase>('p1-optimizers.json')) {
    it(`${c.optimizer}: ${c.name}`, () => {
      checkTrajectory(c, registry.create('optimizer', c.optimizer, c.params));
    });
  }
});

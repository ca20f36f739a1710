// DI smoke test against the built package (`pnpm --filter @tessera/miners build` first).
import 'reflect-metadata';
import { createRegistry } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import minersModule, { withMiners } from '../dist/index.js';

describe('@tessera/miners dist', () => {
  it('loads its module into a registry and creates plugins by name', () => {
    const registry = createRegistry(minersModule);
    expect(registry.list('miner').length).toBeGreaterThanOrEqual(4);
    expect(registry.create('miner', 'hard-negative', { numNegatives: 2 }).manifest.name).toBe('hard-negative');
    expect(typeof withMiners).toBe('function');
  });
});

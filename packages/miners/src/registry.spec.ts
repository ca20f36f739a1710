import { createRegistry } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import minersModule from './module.js';

const SELECTION = ['loss-reweighting', 'rs2-random-subset', 'color-filter', 'eata', 'dbpm', 'ngame-cluster-batcher'];
const PRUNING = ['gradual-magnitude-pruning', 'lottery-ticket-rewind', 'granet-regrow', 'set-prune-regrow'];

describe('@tessera/miners registry', () => {
  const registry = createRegistry(minersModule);

  it('registers the miners, reweighters, pruning and training callbacks by name', () => {
    expect(registry.list('miner').map((m) => m.name).sort()).toEqual(['batch-hard', 'cross-batch-memory', 'gist-guide-filter', 'hard-negative', 'index-hard-negative', 'semi-hard']);
    const callbacks = registry.list('callback').map((m) => m.name);
    for (const name of [...SELECTION, ...PRUNING, 'large-batch-regime', 'early-stopping', 'checkpoint', 'progress', 'metrics-log', 'ema-swap', 'nan-guard']) {
      expect(callbacks).toContain(name);
    }
  });

  it('issue 9 acceptance: miners plus pruning and selection callbacks count at least 10', () => {
    const callbacks = registry.list('callback').map((m) => m.name);
    const count = registry.list('miner').length + callbacks.filter((n) => SELECTION.includes(n) || PRUNING.includes(n)).length;
    expect(count).toBeGreaterThanOrEqual(10);
  });

  it('every manifest names this package', () => {
    for (const kind of ['miner', 'callback']) for (const m of registry.list(kind)) expect(m.package).toBe('@tessera/miners');
  });

  it('unknown names fail with the closest known name', () => {
    expect(() => registry.create('miner', 'hard-negatives')).toThrow(/hard-negative/);
  });
});

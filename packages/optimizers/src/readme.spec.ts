import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRegistry } from '@tessera/core';
import optimizers from './module.js';

const registry = createRegistry(optimizers);
const readme = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('package surface', () => {
  it('registers at least 30 optimizers and 13 schedules', () => {
    expect(registry.list('optimizer').length).toBeGreaterThanOrEqual(30);
    expect(registry.list('schedule').length).toBeGreaterThanOrEqual(13);
  });

  it('every registered plugin has a README table row', () => {
    const missing = registry.list().filter((m) => !readme.includes(`| \`${m.name}\``)).map((m) => `${m.kind}/${m.name}`);
    expect(missing).toEqual([]);
  });

  it('every plugin manifest names this package and a paper or reference', () => {
    for (const m of registry.list()) expect(m.package).toBe('@tessera/optimizers');
  });
});

import * as tf from '@tensorflow/tfjs-core';
import { createRegistry } from '@tessera/core';
import { describe, expect, it } from 'vitest';
import losses from './module.js';
import { allPlugins } from './plugins.js';
import { readFileSync } from 'node:fs';

describe('@tessera/losses registry', () => {
  const registry = createRegistry(losses);
  it('registers every plugin under its kind, with the package name', () => {
    const listed = [...registry.list('loss'), ...(registry.kinds().includes('regularizer') ? registry.list('regularizer') : [])];
    expect(listed.length).toBe(allPlugins.length);
    for (const m of listed) expect(m.package).toBe('@tessera/losses');
  });
  it('creates by name through the registry', () => {
    const loss = registry.create('loss', 'cross-entropy', { labelSmoothing: 0.1 });
    const v = loss.compute({ logits: tf.zeros([2, 3]), labels: tf.tensor1d([0, 1], 'int32') });
    expect(v.dataSync()[0]).toBeCloseTo(Math.log(3), 5);
  });
  it('every plugin has a README row', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    for (const p of allPlugins) expect(readme, p.manifest.name).toContain(`| \`${p.manifest.name}\``);
  });
});

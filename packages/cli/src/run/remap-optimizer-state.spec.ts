import { describe, expect, it } from 'vitest';
import { remapWeightName } from './remap-optimizer-state.js';

describe('remapWeightName', () => {
  const mapping = new Map([['dense_Dense1/kernel', 'dense_Dense4/kernel'], ['dense_Dense1/bias', 'dense_Dense4/bias']]);
  it('renames the variable segment of a Tessera optimizer state path', () => {
    expect(remapWeightName(`t:mu/${encodeURIComponent('dense_Dense1/kernel')}`, mapping)).toBe(`t:mu/${encodeURIComponent('dense_Dense4/kernel')}`);
    expect(remapWeightName('n:count', mapping)).toBe('n:count');
    expect(remapWeightName('iter', mapping)).toBe('iter');
  });
  it('renames the prefix of a tfjs optimizer weight', () => {
    expect(remapWeightName('dense_Dense1/bias/m', mapping)).toBe('dense_Dense4/bias/m');
    expect(remapWeightName('other/m', mapping)).toBe('other/m');
  });
});

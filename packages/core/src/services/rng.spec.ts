import { describe, expect, it } from 'vitest';
import { Sfc32Rng } from './rng.js';

describe('Sfc32Rng', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = new Sfc32Rng(42);
    const b = new Sfc32Rng(42);
    const c = new Sfc32Rng(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('continues identically after a state round-trip', () => {
    const a = new Sfc32Rng(1);
    a.next();
    const b = new Sfc32Rng(99);
    b.setState(a.getState());
    expect(b.next()).toBe(a.next());
    expect(b.shuffle([1, 2, 3, 4, 5, 6])).toEqual(a.shuffle([1, 2, 3, 4, 5, 6]));
  });

  it('shuffles into a permutation with roughly uniform positions', () => {
    const r = new Sfc32Rng(7);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[r.shuffle([0, 1, 2, 3]).indexOf(0)]!++;
    for (const c of counts) expect(Math.abs(c - 1000)).toBeLessThan(120);
  });
});

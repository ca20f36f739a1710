import type { Schedule } from '@tessera/core';
import { expect } from 'vitest';
import type { CheckContext } from '../run-conformance.js';

export function scheduleChecks(ctx: CheckContext): void {
  const horizon = ctx.override.horizon ?? 1000;
  const series = () => {
    const s = ctx.create() as Schedule;
    return Array.from({ length: horizon + 1 }, (_, t) => s.valueAt(t));
  };

  ctx.test('finite and non-negative over the horizon', () => {
    const v = series();
    expect(v.every(Number.isFinite)).toBe(true);
    expect(Math.min(...v)).toBeGreaterThanOrEqual(0);
  });

  ctx.test('deterministic', () => {
    expect(series()).toEqual(series());
  });

  if (!ctx.override.discontinuous) {
    ctx.test('continuous: no step changes the value by more than 15% of its range', () => {
      const v = series();
      const range = Math.max(...v.map(Math.abs), 1e-12);
      let worst = 0;
      let at = 0;
      for (let t = 1; t < v.length; t++) {
        const jump = Math.abs(v[t]! - v[t - 1]!);
        if (jump > worst) [worst, at] = [jump, t];
      }
      expect(worst, `jump of ${worst} at step ${at} (max |value| ${range})`).toBeLessThanOrEqual(0.15 * range);
    });
  }
}

import { describe, expect, it } from 'vitest';
import { createRegistry, type Schedule } from '@tessera/core';
import { expectTensorsClose } from '@tessera/testing';
import optimizers from '../module.js';
import { fixtureCases } from '../spec-helpers.js';
import { oneCycleMomentum, oneCycleMomentumAt, type ParamSchedule } from './index.js';

const registry = createRegistry(optimizers);
interface ScheduleCase { name: string; params: Record<string, unknown>; steps: number[]; values: number[]; torch: boolean }

describe('schedules against optax formulas (and torch.optim.lr_scheduler where equivalent)', () => {
  fixtureCases<ScheduleCase>('schedules.json').forEach((c, i) => {
    it(`${c.name} #${i}${c.torch ? ' (also = torch)' : ''}`, () => {
      const s = registry.create('schedule', c.name, c.params) as Schedule;
      expectTensorsClose(c.steps.map((k) => s.valueAt(k)), c.values, { name: c.name });
    });
  });

  it('one-cycle momentumAt cycles inversely to the rate', () => {
    const [c] = fixtureCases<{ params: Record<string, unknown>; steps: number[]; values: number[] }>('one-cycle-momentum.json');
    const s = registry.create('schedule', 'one-cycle', c!.params) as ParamSchedule;
    expectTensorsClose(c!.steps.map((k) => oneCycleMomentumAt(s, k)), c!.values);
  });

  it('oneCycleMomentum drives an optimizer hyperparameter', () => {
    const cycle = registry.create('schedule', 'one-cycle', { transitionSteps: 10, peakValue: 0.1 }) as ParamSchedule;
    const m = oneCycleMomentum(cycle);
    expect(m.valueAt(0)).toBeCloseTo(0.95);
    expect(m.valueAt(3)).toBeCloseTo(0.85);
    const opt = registry.create('optimizer', 'sgd', { learningRate: cycle, momentum: m });
    expect(opt).toBeDefined();
    opt.dispose();
  });

  it('registers at least 13 schedules, all with valid defaults and finite values', () => {
    const list = registry.list('schedule');
    expect(list.length).toBeGreaterThanOrEqual(13);
    for (const m of list) {
      const s = registry.create('schedule', m.name, {}) as Schedule;
      for (const k of [0, 1, 10, 100, 1000, 5000]) expect(Number.isFinite(s.valueAt(k))).toBe(true);
    }
  });

  it('rejects bad parameters with the parameter named', () => {
    expect(() => registry.create('schedule', 'warmup-cosine-decay', { warmupSteps: 100, decaySteps: 50 })).toThrow(/decaySteps/);
    expect(() => registry.create('schedule', 'cosine-decay', { decaySteps: 0 })).toThrow(/decaySteps/);
    expect(() => registry.create('schedule', 'linear', { initvalue: 1 })).toThrow(/initValue/);
    expect(() => registry.create('schedule', 'join-schedules', { schedules: [{ name: 'constant', params: {} }], boundaries: [3] })).toThrow(/boundaries/);
  });

  it('piecewise-constant also takes boundaries and values', () => {
    const s = registry.create('schedule', 'piecewise-constant', { boundaries: [2, 4], values: [1, 0.5, 0.1] }) as Schedule;
    expect([0, 1, 2, 3, 4, 9].map((k) => s.valueAt(k))).toEqual([1, 1, 0.5, 0.5, 0.1, 0.1]);
    expect(() => registry.create('schedule', 'piecewise-constant', { boundaries: [2], values: [1] })).toThrow(/values/);
  });

  it('join-schedules accepts schedule instances', () => {
    const a = registry.create('schedule', 'constant', { value: 2 }) as Schedule;
    const b = registry.create('schedule', 'linear', { initValue: 1, endValue: 0, transitionSteps: 4 }) as Schedule;
    const j = registry.create('schedule', 'join-schedules', { schedules: [a, b], boundaries: [3] }) as Schedule;
    expect([0, 2, 3, 5, 7, 9].map((k) => j.valueAt(k))).toEqual([2, 2, 1, 0.5, 0, 0]);
  });
});

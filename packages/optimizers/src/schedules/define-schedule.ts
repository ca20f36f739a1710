import { definePlugin, z, type PaperRef, type Plugin, type Schedule } from '@tessera/core';

/** A schedule instance of this package: also carries its validated parameters (for serialisation). */
export interface ParamSchedule<P = Record<string, unknown>> extends Schedule {
  readonly params: P;
}

/** Every schedule plugin of this package by name (filled as they are defined; used by join-schedules and config revival). */
export const scheduleTable = new Map<string, Plugin<any, ParamSchedule>>();

export function defineSchedule<S extends z.ZodType>(def: {
  name: string;
  aliases?: string[];
  summary: string;
  paper?: PaperRef;
  params: S;
  fn(p: z.output<S>): (step: number) => number;
}): Plugin<z.output<S>, ParamSchedule<z.output<S>>> {
  const plugin = definePlugin({
    kind: 'schedule',
    name: def.name,
    aliases: def.aliases,
    package: '@tessera/optimizers',
    summary: def.summary,
    paper: def.paper,
    params: def.params,
    create: (params, manifest): ParamSchedule<z.output<S>> => {
      const f = def.fn(params);
      return Object.freeze({
        manifest,
        params,
        valueAt(step: number): number {
          if (typeof step !== 'number' || Number.isNaN(step)) throw new TypeError(`schedule "${def.name}": valueAt(step) needs a number; got ${String(step)}.`);
          return f(step);
        },
      });
    },
  });
  scheduleTable.set(def.name, plugin as Plugin<any, ParamSchedule>);
  return plugin;
}

/** Field helpers (optax names, camelCase). */
export const f = {
  initValue: (d = 1e-3) => z.number().default(d).describe('Value at step 0.'),
  peakValue: (d = 1e-3) => z.number().default(d).describe('Value at the end of warmup (the peak).'),
  endValue: (d = 0) => z.number().default(d).describe('Value at the end of the schedule.'),
  warmupSteps: (d = 0) => z.number().int().min(0).default(d).describe('Length of the linear warmup.'),
  transitionSteps: (d = 1000) => z.number().int().default(d).describe('Steps over which the transition happens (≤ 0: constant).'),
  transitionBegin: () => z.number().int().min(0).default(0).describe('Steps before the transition begins (value held at initValue).'),
};

/** optax `polynomial_schedule`. */
export function polynomialFn(initValue: number, endValue: number, power: number, transitionSteps: number, transitionBegin = 0) {
  if (transitionSteps <= 0) return () => initValue;
  return (step: number) => {
    const c = Math.min(Math.max(step - transitionBegin, 0), transitionSteps);
    const frac = 1 - c / transitionSteps;
    return (initValue - endValue) * Math.pow(frac, power) + endValue;
  };
}

/** optax `cosine_decay_schedule`. */
export function cosineDecayFn(initValue: number, decaySteps: number, alpha = 0, exponent = 1) {
  if (!(decaySteps > 0)) throw new RangeError(`cosine decay needs decaySteps > 0; got ${decaySteps}.`);
  return (step: number) => {
    const c = Math.min(step, decaySteps);
    const cos = 0.5 * (1 + Math.cos((Math.PI * c) / decaySteps));
    return initValue * ((1 - alpha) * Math.pow(cos, exponent) + alpha);
  };
}

/** optax `join_schedules`: schedule i+1 takes over at boundary i, evaluated at (step − boundary). */
export function joinFn(fns: ((s: number) => number)[], boundaries: number[]) {
  return (step: number) => {
    let out = fns[0]!(step);
    boundaries.forEach((b, i) => {
      if (step >= b) out = fns[i + 1]!(step - b);
    });
    return out;
  };
}

/** optax `piecewise_interpolate_schedule`. */
export function piecewiseInterpolateFn(type: 'linear' | 'cosine', initValue: number, boundariesAndScales: [number, number][]) {
  const sorted = [...boundariesAndScales].sort((a, b) => a[0] - b[0]);
  const bounds = [0, ...sorted.map((x) => x[0])];
  const values = [initValue];
  for (const [, s] of sorted) values.push(values[values.length - 1]! * s);
  const interp = type === 'linear'
    ? (a: number, b: number, p: number) => (b - a) * p + a
    : (a: number, b: number, p: number) => b + ((a - b) / 2) * (Math.cos(Math.PI * p) + 1);
  return (step: number) => {
    let out = bounds[bounds.length - 1]! <= step ? values[values.length - 1]! : 0;
    for (let i = 0; i < bounds.length - 1; i++) {
      if (bounds[i]! <= step && step < bounds[i + 1]!) {
        const size = Math.max(bounds[i + 1]! - bounds[i]!, 1);
        out += interp(values[i]!, values[i + 1]!, (step - bounds[i]!) / size);
      }
    }
    return out;
  };
}

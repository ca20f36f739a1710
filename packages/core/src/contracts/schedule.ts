import type { PluginManifest } from '../plugin/plugin.js';

/** A schedule, as `registry.create('schedule', name, params)` returns it: a pure function of the step. */
export interface Schedule {
  readonly manifest: PluginManifest<any>;
  /** The value at `step` (0-based count of optimizer updates already applied). */
  valueAt(step: number): number;
}

export function isSchedule(x: unknown): x is Schedule {
  return typeof x === 'object' && x !== null && typeof (x as Schedule).valueAt === 'function';
}

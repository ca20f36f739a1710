import type { ServiceIdentifier } from 'inversify';

/** Time source, injectable so tests can control it. */
export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
}
export const ClockToken: ServiceIdentifier<Clock> = Symbol.for('@tessera/core/Clock');

export const systemClock: Clock = { now: () => performance.now() };

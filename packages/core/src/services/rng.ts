import type { ServiceIdentifier } from 'inversify';

/** A seeded random source; its state is saved in checkpoints so a resumed run draws the same numbers. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  nextInt(n: number): number;
  /** Fisher–Yates shuffle in place. */
  shuffle<T>(items: T[]): T[];
  seed(seed: number): void;
  /** A seed for tfjs ops that take one (dropout, random init). */
  nextSeed(): number;
  getState(): number[];
  setState(state: readonly number[]): void;
}
export const RngToken: ServiceIdentifier<Rng> = Symbol.for('@tessera/core/Rng');

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counter), 128-bit state, seeded
 * through splitmix32. Deterministic across platforms: only 32-bit integer ops.
 */
export class Sfc32Rng implements Rng {
  #s = new Uint32Array(4);

  constructor(seed = 0) {
    this.seed(seed);
  }

  seed(seed: number): void {
    let x = seed >>> 0;
    const splitmix = () => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    for (let i = 0; i < 4; i++) this.#s[i] = splitmix();
    for (let i = 0; i < 12; i++) this.#u32();
  }

  #u32(): number {
    const s = this.#s;
    const t = (((s[0]! + s[1]!) >>> 0) + s[3]!) >>> 0;
    s[3] = (s[3]! + 1) >>> 0;
    s[0] = s[1]! ^ (s[1]! >>> 9);
    s[1] = (s[2]! + (s[2]! << 3)) >>> 0;
    s[2] = ((s[2]! << 21) | (s[2]! >>> 11)) >>> 0;
    s[2] = (s[2]! + t) >>> 0;
    return t;
  }

  next(): number {
    return this.#u32() / 4294967296;
  }

  nextInt(n: number): number {
    return Math.floor(this.next() * n);
  }

  nextSeed(): number {
    return this.#u32();
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }

  getState(): number[] {
    return [...this.#s];
  }

  setState(state: readonly number[]): void {
    if (state.length !== 4) throw new TypeError(`Rng.setState: expected 4 uint32 words, got ${state.length}.`);
    this.#s.set(state);
  }
}

import type { ServiceIdentifier } from 'inversify';
import cliProgress from 'cli-progress';

/** Shows training progress. Rebind it to report elsewhere (a UI, a sweep view). */
export interface ProgressReporter {
  start(total: number, label: string): void;
  update(done: number, metrics: Readonly<Record<string, number>>): void;
  /** A line of text that must not be lost under the bar (epoch summaries). */
  log(line: string): void;
  stop(): void;
}
export const ProgressReporterToken: ServiceIdentifier<ProgressReporter> = Symbol.for('@tessera/core/ProgressReporter');

const fmt = (m: Readonly<Record<string, number>>) =>
  Object.entries(m)
    .map(([k, v]) => `${k} ${Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(2)}`)
    .join('  ');

/**
 * The default reporter: a `cli-progress` bar on a terminal, and a plain line
 * every 10 % where output is not a terminal (CI, pipes).
 */
export class ConsoleProgressReporter implements ProgressReporter {
  #bar: cliProgress.SingleBar | undefined;
  #total = 0;
  #lastDecile = -1;
  #label = '';
  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  start(total: number, label: string): void {
    this.#total = total;
    this.#label = label;
    this.#lastDecile = -1;
    if (this.stream.isTTY) {
      this.#bar = new cliProgress.SingleBar(
        { format: `${label} [{bar}] {percentage}% | {value}/{total} | {metrics}`, stream: this.stream, hideCursor: true, clearOnComplete: false },
        cliProgress.Presets.shades_classic,
      );
      this.#bar.start(total, 0, { metrics: '' });
    }
  }

  update(done: number, metrics: Readonly<Record<string, number>>): void {
    if (this.#bar) {
      this.#bar.update(done, { metrics: fmt(metrics) });
      return;
    }
    const decile = Math.floor((10 * done) / Math.max(1, this.#total));
    if (decile !== this.#lastDecile) {
      this.#lastDecile = decile;
      this.stream.write(`${this.#label} ${done}/${this.#total} (${decile * 10}%) ${fmt(metrics)}\n`);
    }
  }

  log(line: string): void {
    if (this.#bar) this.stream.write('\n');
    this.stream.write(`${line}\n`);
  }

  stop(): void {
    this.#bar?.stop();
    this.#bar = undefined;
  }
}

/** Prints nothing (tests, sweeps with their own view). */
export class SilentProgressReporter implements ProgressReporter {
  start(): void {}
  update(): void {}
  log(): void {}
  stop(): void {}
}

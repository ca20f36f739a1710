import cliProgress from 'cli-progress';
import { SilentProgressReporter, type ProgressReporter } from '@tessera/core';
import type { RunSummary } from '../run/run-training.js';
import type { SweepProgress } from './run-sweep.js';

const fmt = (m: Readonly<Record<string, number>>) =>
  Object.entries(m)
    .map(([k, v]) => `${k} ${Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(2)}`)
    .join('  ');

/**
 * The shared view of a sweep: on a terminal, a `cli-progress` MultiBar with
 * one bar for the whole sweep (runs done) and one per run (steps, loss);
 * elsewhere (CI, pipes), one line when each run starts and ends.
 */
export class MultiBarSweepProgress implements SweepProgress {
  readonly #multi: cliProgress.MultiBar | undefined;
  readonly #overall: cliProgress.SingleBar | undefined;
  constructor(
    total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    if (stream.isTTY) {
      this.#multi = new cliProgress.MultiBar(
        { stream, hideCursor: true, clearOnComplete: false, format: '{label} [{bar}] {value}/{total} {metrics}' },
        cliProgress.Presets.shades_classic,
      );
      this.#overall = this.#multi.create(total, 0, { label: 'sweep'.padEnd(28), metrics: 'runs' });
    }
  }

  runReporter(index: number, total: number, id: string): ProgressReporter {
    const multi = this.#multi;
    const stream = this.stream;
    if (!multi) {
      stream.write(`[${index + 1}/${total}] ${id}: started\n`);
      return new SilentProgressReporter();
    }
    let bar: cliProgress.SingleBar | undefined;
    return {
      start: (steps) => {
        bar = multi.create(steps, 0, { label: id.slice(0, 28).padEnd(28), metrics: '' });
      },
      update: (done, metrics) => bar?.update(done, { metrics: fmt(metrics) }),
      log: (line) => multi.log(`${id}: ${line}\n`),
      stop: () => {
        // The run's line is logged by runDone; drop its bar so the view stays one bar per active run.
        if (bar) multi.remove(bar);
        bar = undefined;
      },
    };
  }

  runDone(index: number, total: number, id: string, summary: RunSummary, metric: string): void {
    const value = summary.final[metric];
    const line = `[${index + 1}/${total}] ${id}: ${summary.stopReason}, ${metric} ${value === undefined ? '—' : value.toFixed(4)}, ${summary.stepsPerSecond.toFixed(1)} steps/s`;
    if (this.#multi) {
      this.#overall?.increment(1);
      this.#multi.log(`${line}\n`);
    } else this.stream.write(`${line}\n`);
  }

  stop(): void {
    this.#multi?.stop();
  }
}

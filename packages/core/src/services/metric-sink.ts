import fs from 'node:fs';
import path from 'node:path';
import type { ServiceIdentifier } from 'inversify';

/** One row of metrics. */
export interface MetricRecord {
  readonly step: number;
  readonly epoch: number;
  readonly split: 'train' | 'val';
  readonly metrics: Readonly<Record<string, number>>;
}

/** Where metrics go. Rebind it to log to your own system. */
export interface MetricSink {
  write(record: MetricRecord): void;
  /** Called at the end of `fit`. */
  close?(): void | Promise<void>;
}
export const MetricSinkToken: ServiceIdentifier<MetricSink> = Symbol.for('@tessera/core/MetricSink');

/** Keeps every record in memory (the default); `records` is the history. */
export class MemoryMetricSink implements MetricSink {
  readonly records: MetricRecord[] = [];
  write(record: MetricRecord): void {
    this.records.push(record);
  }
  /** The values of one metric in order. */
  series(name: string, split: 'train' | 'val' = 'train'): number[] {
    return this.records.filter((r) => r.split === split && name in r.metrics).map((r) => r.metrics[name]!);
  }
}

/** Appends each record as one JSON line to a file. */
export class JsonlMetricSink implements MetricSink {
  constructor(readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
  }
  write(record: MetricRecord): void {
    fs.appendFileSync(this.file, `${JSON.stringify(record)}\n`);
  }
}

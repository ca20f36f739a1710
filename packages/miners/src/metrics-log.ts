import fs from 'node:fs';
import path from 'node:path';
import { definePlugin, z, type Callback, type TrainerContext } from '@tessera/core';
import { PACKAGE } from './mining-utils.js';

/**
 * Streams metrics to a file (Keras `CSVLogger`; JSON lines when the path ends
 * in `.jsonl`): one row per epoch end, plus one per `everySteps` steps. CSV
 * columns are `epoch, step` then the metric names in the order first seen;
 * a metric that appears later starts a new header block (the file stays valid
 * for a reader that follows headers). `append: false` truncates at train begin.
 *
 * @see https://keras.io/api/callbacks/csv_logger/
 */
export const metricsLog = definePlugin({
  kind: 'callback',
  name: 'metrics-log',
  aliases: ['csv-logger'],
  summary: 'Writes epoch (and optionally step) metrics to a CSV or JSON-lines file (Keras CSVLogger).',
  package: PACKAGE,
  params: z.strictObject({
    path: z.string().min(1).max(4096).default('metrics.csv').describe('Output file; ".jsonl" writes JSON lines, anything else CSV.'),
    separator: z.string().min(1).max(4).default(',').describe('CSV separator (Keras default ",").'),
    append: z.boolean().default(false).describe('Append to an existing file instead of truncating it (Keras append).'),
    everySteps: z.number().int().min(0).max(1e9).default(0).describe('Also write a row every this many steps (0: epoch ends only).'),
  }),
  create: (p, manifest): Callback => {
    const jsonl = p.path.endsWith('.jsonl');
    let columns: string[] = [];
    const write = (row: Record<string, number | string>) => {
      fs.mkdirSync(path.dirname(path.resolve(p.path)), { recursive: true });
      if (jsonl) return fs.appendFileSync(p.path, `${JSON.stringify(row)}\n`);
      const keys = Object.keys(row);
      if (keys.some((k) => !columns.includes(k)) || columns.length === 0) {
        columns = [...columns, ...keys.filter((k) => !columns.includes(k))];
        fs.appendFileSync(p.path, `${columns.join(p.separator)}\n`);
      }
      fs.appendFileSync(p.path, `${columns.map((c) => (row[c] === undefined ? '' : String(row[c]))).join(p.separator)}\n`);
    };
    return {
      manifest,
      onTrainBegin() {
        columns = [];
        if (!p.append && fs.existsSync(p.path)) fs.rmSync(p.path);
      },
      afterStep(ctx: TrainerContext, logs: Record<string, number>) {
        if (p.everySteps > 0 && ctx.step % p.everySteps === 0) write({ split: 'step', epoch: ctx.epoch, step: ctx.step, ...logs });
      },
      onEpochEnd(ctx: TrainerContext, logs: Record<string, number>) {
        write({ ...(p.everySteps > 0 ? { split: 'epoch' } : {}), epoch: ctx.epoch - 1, step: ctx.step, ...logs });
      },
    };
  },
});

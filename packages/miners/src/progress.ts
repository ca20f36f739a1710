import { definePlugin, z, type Callback, type TrainerContext } from '@tessera/core';
import { PACKAGE } from './mining-utils.js';

const fmt = (logs: Readonly<Record<string, number>>) =>
  Object.entries(logs)
    .map(([k, v]) => `${k} ${Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(2)}`)
    .join('  ');

/**
 * Prints a line of progress every `everySteps` optimizer steps and a summary
 * at every epoch end (Keras `ProgbarLogger` / Lightning's progress output,
 * as plain lines that survive pipes and CI logs). Lines go to `write`
 * (default: standard error), which a user can replace on the instance.
 */
export const progress = definePlugin({
  kind: 'callback',
  name: 'progress',
  aliases: ['progress-logger'],
  summary: 'Plain-text progress lines every N steps and at each epoch end (Keras ProgbarLogger).',
  package: PACKAGE,
  params: z.strictObject({
    everySteps: z.number().int().min(0).max(1e9).default(50).describe('Print every this many optimizer steps (0: only at epoch ends).'),
    prefix: z.string().max(200).default('').describe('Text printed before every line (e.g. a run name).'),
  }),
  create: (p, manifest): Callback & { write: (line: string) => void } => {
    let t0 = Date.now();
    const cb = {
      manifest,
      write: (line: string) => void process.stderr.write(`${line}\n`),
      onTrainBegin() {
        t0 = Date.now();
      },
      afterStep(ctx: TrainerContext, logs: Record<string, number>) {
        if (p.everySteps > 0 && ctx.step % p.everySteps === 0) cb.write(`${p.prefix}step ${ctx.step}  epoch ${ctx.epoch + 1}  ${fmt(logs)}`);
      },
      onEpochEnd(ctx: TrainerContext, logs: Record<string, number>) {
        cb.write(`${p.prefix}epoch ${ctx.epoch} done  step ${ctx.step}  ${fmt(logs)}  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
      },
    };
    return cb;
  },
});

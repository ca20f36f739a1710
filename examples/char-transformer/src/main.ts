/**
 * Character-level transformer LM on Shakespeare's sonnets (shipped, public domain).
 *
 *   pnpm --filter @tessera/example-char-transformer start                       # attention: 'softmax'
 *   pnpm --filter @tessera/example-char-transformer start --attention sigmoid   # the one-word change
 *   pnpm --filter @tessera/example-char-transformer start --norm rms-norm       # the normalization: also one word
 *   pnpm --filter @tessera/example-char-transformer compare                     # both, then a table
 */
import { parseArgs } from 'node:util';
import { useBackend } from '@tessera/core';
import { trainCharLm, type TrainReport } from './train.js';

const { values: args } = parseArgs({
  options: {
    attention: { type: 'string', default: 'softmax' },
    norm: { type: 'string', default: 'layer-norm' },
    steps: { type: 'string', default: '150' },
    'seq-len': { type: 'string', default: '48' },
    dim: { type: 'string', default: '64' },
    heads: { type: 'string', default: '4' },
    layers: { type: 'string', default: '2' },
    'batch-size': { type: 'string', default: '16' },
    'learning-rate': { type: 'string', default: '0.003' },
    seed: { type: 'string', default: '0' },
  },
});

const backend = await useBackend('auto');
const reports: TrainReport[] = [];
const list = (s: string) => s.split(',').map((x) => x.trim()).filter(Boolean);
for (const attention of list(args.attention!)) {
  for (const norm of list(args.norm!)) {
    reports.push(
      await trainCharLm({
        attention,
        norm,
        steps: Number(args.steps),
        seqLen: Number(args['seq-len']),
        dim: Number(args.dim),
        numHeads: Number(args.heads),
        numLayers: Number(args.layers),
        batchSize: Number(args['batch-size']),
        learningRate: Number(args['learning-rate']),
        seed: Number(args.seed),
      }),
    );
  }
}
console.log(`\nchar-transformer on ${backend.name} (uniform guess: ${reports[0]!.uniformLoss.toFixed(3)} nats/char)`);
console.log('attention   norm           steps   first loss   final train loss   validation loss   seconds');
for (const r of reports) {
  console.log(
    `${r.attention.padEnd(10)}  ${r.norm.padEnd(13)}  ${String(r.steps).padStart(5)}   ${r.firstLoss.toFixed(4).padStart(10)}   ${r.finalTrainLoss.toFixed(4).padStart(16)}   ${r.validationLoss.toFixed(4).padStart(15)}   ${r.seconds.toFixed(1).padStart(7)}`,
  );
}

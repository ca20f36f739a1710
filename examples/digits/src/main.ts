/**
 * Digits: trains an MLP on the 8×8 hand-written digits with a loss, an
 * optimizer and a schedule chosen by name from the Tessera registry.
 *
 *   pnpm --filter @tessera/example-digits start [--epochs 30] [--optimizer sgd] [--resume]
 *
 * Ctrl-C writes a checkpoint and exits; `--resume` continues from it.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { createContainer, TrainerToken, useBackend } from '@tessera/core';
import losses from '@tessera/losses/module';
import optimizers from '@tessera/optimizers/module';
import { buildModel } from './build-model.js';
import { loadDigits } from './load-digits.js';

const { values: args } = parseArgs({
  options: {
    epochs: { type: 'string', default: '25' },
    optimizer: { type: 'string', default: 'adamw' },
    'learning-rate': { type: 'string', default: '0.003' },
    'batch-size': { type: 'string', default: '64' },
    seed: { type: 'string', default: '0' },
    checkpoints: { type: 'string', default: 'runs/digits' },
    resume: { type: 'boolean', default: false },
    'checkpoint-every': { type: 'string', default: '50' },
    'result-file': { type: 'string' },
    'target-accuracy': { type: 'string', default: '0.95' },
  },
});

const backend = await useBackend('auto');
const { train, test } = loadDigits({ seed: Number(args.seed) });
const model = buildModel({ seed: Number(args.seed) + 1 });
const epochs = Number(args.epochs);
const batchSize = Number(args['batch-size']);
const stepsPerEpoch = Math.ceil(train.x.shape[0]! / batchSize);

const trainer = createContainer(losses, optimizers).get(TrainerToken);
const interrupt = new AbortController();
process.once('SIGINT', () => interrupt.abort());

const result = await trainer.fit({
  model,
  data: train,
  validation: test,
  loss: { name: 'cross-entropy', params: { labelSmoothing: 0.05 } },
  optimizer: { name: args.optimizer!, params: { learningRate: Number(args['learning-rate']) } },
  schedule: {
    name: 'warmup-cosine-decay',
    params: { initValue: 0, peakValue: Number(args['learning-rate']), warmupSteps: stepsPerEpoch, decaySteps: epochs * stepsPerEpoch, endValue: 1e-5 },
  },
  epochs,
  batchSize,
  seed: Number(args.seed),
  checkpoint: { dir: args.checkpoints!, everySteps: Number(args['checkpoint-every']), resume: args.resume },
  signal: interrupt.signal,
});

const accuracy = result.final['val_accuracy'] ?? 0;
const evaluated = result.final['val_loss'] !== undefined;
console.log(
  `digits: ${result.stopReason} after ${result.steps} steps on ${backend.name}; ` +
    (evaluated ? `test loss ${result.final['val_loss']!.toFixed(4)}, test accuracy ${(100 * accuracy).toFixed(2)}%` : 'not evaluated yet') +
    (result.lastCheckpoint ? `; checkpoint ${result.lastCheckpoint}` : ''),
);
if (args['result-file']) {
  fs.writeFileSync(args['result-file'], JSON.stringify({ ...result, history: result.history.map((h) => h.loss) }));
}
if (result.stopReason === 'completed' && accuracy < Number(args['target-accuracy'])) {
  console.error(`digits: accuracy ${accuracy} is below the target ${args['target-accuracy']}`);
  process.exitCode = 1;
}

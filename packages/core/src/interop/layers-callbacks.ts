import type * as tf from '@tensorflow/tfjs-core';
import type { Callback, TrainerContext } from '../contracts/callback.js';
import { asTrainableModel, type LayersModelLike } from '../contracts/model.js';
import type { Schedule } from '../contracts/schedule.js';
import { TesseraError } from '../errors.js';

/** The hooks that only `Trainer.fit` can run (they need the forward/backward pass, which `model.fit` keeps to itself). */
export const TRAINER_ONLY_HOOKS = ['beforeForward', 'afterForward', 'reweight', 'afterBackward', 'onEvaluateBegin', 'onCheckpointSave', 'onCheckpointRestore'] as const;

/** The plain-object callback `model.fit({ callbacks })` of tfjs-layers accepts (its `CustomCallbackArgs`). */
export interface LayersCallbackArgs {
  onTrainBegin(logs?: Record<string, unknown>): Promise<void>;
  onTrainEnd(logs?: Record<string, unknown>): Promise<void>;
  onEpochBegin(epoch: number, logs?: Record<string, unknown>): Promise<void>;
  onEpochEnd(epoch: number, logs?: Record<string, unknown>): Promise<void>;
  onBatchBegin(batch: number, logs?: Record<string, unknown>): Promise<void>;
  onBatchEnd(batch: number, logs?: Record<string, unknown>): Promise<void>;
}

export interface LayersCallbackOptions {
  /** The model passed to `model.fit` (callbacks see it as a TrainableModel; `stop()` sets `model.stopTraining`). */
  readonly model: LayersModelLike & { stopTraining?: boolean; optimizer?: tf.Optimizer };
  /** The compiled optimizer (default: `model.optimizer`). */
  readonly optimizer?: tf.Optimizer;
  readonly callbacks?: readonly Callback[];
  /** A learning-rate schedule applied before every batch (`valueAt(step)`, times a callback's `lrScale` override). */
  readonly schedule?: Schedule;
  /** Receives what callbacks record with `ctx.log(name, value)`. */
  readonly onLog?: (step: number, name: string, value: number) => void;
}

const numeric = (logs: Record<string, unknown> | undefined): Record<string, number> =>
  Object.fromEntries(Object.entries(logs ?? {}).filter((e): e is [string, number] => typeof e[1] === 'number' && !['batch', 'size'].includes(e[0])));

function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  const o = optimizer as tf.Optimizer & { setLearningRate?: (lr: number) => void; learningRate?: number };
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else if (typeof o.learningRate === 'number') o.learningRate = lr;
  else throw new TesseraError(`toLayersCallbacks: the optimizer ${optimizer.getClassName()} has no learning rate a schedule can set.`);
}

/**
 * Runs Tessera callbacks (and a learning-rate schedule) inside tfjs-layers'
 * `model.fit`: returns the plain callback object `model.fit({ callbacks })`
 * takes. Lifecycle hooks map one to one (`onTrainBegin/End`,
 * `onEpochBegin/End`, `afterStep` after every batch with its logs); a
 * callback's `ctx.stop()` sets `model.stopTraining`; the `lr` and `lrScale`
 * overrides are applied before the next batch; `onEvaluateEnd` receives the
 * epoch's `val_*` logs. Hooks that need the forward or backward pass
 * ({@link TRAINER_ONLY_HOOKS}) exist only in `Trainer.fit`: a callback that
 * has one is refused with the hook's name rather than silently skipped.
 *
 * @example
 * await model.fit(x, y, { epochs: 5, callbacks: toLayersCallbacks({ model, callbacks: [earlyStopping], schedule }) });
 */
export function toLayersCallbacks(opts: LayersCallbackOptions): LayersCallbackArgs {
  const callbacks = opts.callbacks ?? [];
  for (const cb of callbacks) {
    const hooks = TRAINER_ONLY_HOOKS.filter((h) => typeof (cb as Record<string, unknown>)[h] === 'function');
    if (hooks.length) {
      const name = cb.manifest?.name ?? 'a callback';
      throw new TesseraError(
        `toLayersCallbacks: ${name} uses ${hooks.join(', ')}, which only Trainer.fit can run (model.fit does not expose the forward/backward pass); train with Trainer.fit instead.`,
      );
    }
  }
  const model = opts.model;
  const optimizer = () => {
    const o = opts.optimizer ?? model.optimizer;
    if (!o) throw new TesseraError('toLayersCallbacks: no optimizer; compile the model first or pass `optimizer`.');
    return o;
  };
  const trainable = asTrainableModel(model);
  let step = 0;
  let epoch = 0;
  let batchInEpoch = 0;
  const logs: Record<string, number> = {};
  const overrides = new Map<string, number>();
  const ctx: TrainerContext = {
    get step() {
      return step;
    },
    get epoch() {
      return epoch;
    },
    get batchInEpoch() {
      return batchInEpoch;
    },
    model: trainable,
    get optimizer() {
      return optimizer();
    },
    logs,
    overrides,
    stop: () => {
      model.stopTraining = true;
    },
    log: (name, value) => {
      logs[name] = value;
      opts.onLog?.(step, name, value);
    },
  };
  return {
    async onTrainBegin() {
      for (const cb of callbacks) await cb.onTrainBegin?.(ctx);
    },
    async onTrainEnd() {
      for (const cb of callbacks) await cb.onTrainEnd?.(ctx);
    },
    async onEpochBegin(e) {
      epoch = e;
      batchInEpoch = 0;
      for (const cb of callbacks) await cb.onEpochBegin?.(ctx);
    },
    async onBatchBegin() {
      if (opts.schedule) setLearningRate(optimizer(), opts.schedule.valueAt(step) * (overrides.get('lrScale') ?? 1));
      else if (overrides.has('lr')) setLearningRate(optimizer(), overrides.get('lr')!);
      if (opts.schedule) logs['lr'] = opts.schedule.valueAt(step) * (overrides.get('lrScale') ?? 1);
    },
    async onBatchEnd(_batch, batchLogs) {
      step += 1;
      batchInEpoch += 1;
      const stepLogs = { ...numeric(batchLogs), ...(logs['lr'] !== undefined ? { lr: logs['lr'] } : {}) };
      Object.assign(logs, stepLogs);
      for (const cb of callbacks) await cb.afterStep?.(ctx, stepLogs);
    },
    async onEpochEnd(_e, epochLogs) {
      const all = numeric(epochLogs);
      Object.assign(logs, all);
      const val = Object.fromEntries(Object.entries(all).filter(([k]) => k.startsWith('val_')));
      if (Object.keys(val).length) for (const cb of callbacks) await cb.onEvaluateEnd?.(ctx, val);
      for (const cb of callbacks) await cb.onEpochEnd?.(ctx, { ...logs });
      epoch += 1;
    },
  };
}

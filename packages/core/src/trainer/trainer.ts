import * as tf from '@tensorflow/tfjs-core';
import { inject, injectable, multiInject, optional, type ServiceIdentifier } from 'inversify';
import { BackendServiceToken, type BackendService } from '../backend/backend-service.js';
import { CheckpointStoreToken, type CheckpointStore } from '../checkpoint/checkpoint-store.js';
import type { Callback, TrainerContext } from '../contracts/callback.js';
import { FrozenModelToken, type FrozenModel } from '../contracts/frozen-model.js';
import type { Loss, LossInputs } from '../contracts/loss.js';
import { asTrainableModel, type Batch, type TrainableModel } from '../contracts/model.js';
import { hasTrainEval, type TrainableOptimizer } from '../contracts/optimizer.js';
import type { Schedule } from '../contracts/schedule.js';
import { isStateful } from '../contracts/stateful.js';
import { NonFiniteError, TesseraError } from '../errors.js';
import { PluginRegistryToken, type PluginRegistry } from '../plugin/plugin-registry.js';
import { ClockToken, type Clock } from '../services/clock.js';
import { MetricSinkToken, type MetricSink } from '../services/metric-sink.js';
import { ProgressReporterToken, SilentProgressReporter, type ProgressReporter } from '../services/progress-reporter.js';
import { RngToken, type Rng } from '../services/rng.js';
import { batchTensors, isDataset, tensorDataset, type Dataset } from './dataset.js';
import type { FitOptions, FitResult, StepRecord } from './fit-options.js';
import { FrozenOutputs } from './frozen-outputs.js';
import { clipByGlobalNorm, clipByValue, firstNonFinite } from './gradient-ops.js';
import { packSquaredNorm } from '../backend/kernels/pack-squared-norm.js';
import { HOST_MEMORY_BACKENDS } from '../backend/kernels/host-memory.js';
import { resolveRef } from './plugin-ref.js';
import { stopGradient } from '../util/stop-gradient.js';
import { captureCheckpoint, restoreCheckpoint, type LoopState, type StatefulEntry } from './trainer-state.js';

export type { FitOptions, FitResult } from './fit-options.js';
export type { PluginRef } from './plugin-ref.js';

/** How often (ms) the training loop yields to the event loop: the latency of Ctrl-C and timers during a run. */
const YIELD_EVERY_MS = 250;

/** The DI token of the trainer (transient: one per `get`). */
export const TrainerToken: ServiceIdentifier<Trainer> = Symbol.for('@tessera/core/Trainer');


function positiveInt(v: number | undefined, name: string, dflt: number): number {
  const n = v ?? dflt;
  if (!Number.isInteger(n) || n < 1) throw new TesseraError(`Trainer.fit: ${name} must be an integer ≥ 1; got ${String(v)}.`);
  return n;
}

function setLearningRate(optimizer: tf.Optimizer, lr: number): void {
  const o = optimizer as tf.Optimizer & { setLearningRate?: (lr: number) => void; learningRate?: number };
  if (typeof o.setLearningRate === 'function') o.setLearningRate(lr);
  else if (typeof o.learningRate === 'number') o.learningRate = lr;
  else throw new TesseraError(`Trainer.fit: the optimizer ${optimizer.getClassName()} has no learning rate the schedule can set.`);
}

/**
 * Fits a model: a loss, an optimizer and an optional schedule, all plugins
 * by name or instance; validation, gradient clipping and accumulation,
 * callbacks at every hook, a NaN/Inf guard, seeded shuffling, and atomic
 * checkpoints of model, optimizer and every stateful plugin.
 *
 * Every collaborator is injected behind a token, so a user can rebind any
 * of them (`MetricSinkToken`, `CheckpointStoreToken`, …).
 *
 * @example
 * const trainer = createContainer(losses, optimizers).get(TrainerToken);
 * const result = await trainer.fit({ model, data: { x, y }, loss: 'cross-entropy', optimizer: { name: 'adamw', params: { learningRate: 1e-3 } }, epochs: 5 });
 */
@injectable()
export class Trainer {
  constructor(
    @inject(PluginRegistryToken) readonly registry: PluginRegistry,
    @inject(RngToken) private readonly rng: Rng,
    @inject(MetricSinkToken) readonly metrics: MetricSink,
    @inject(ProgressReporterToken) private readonly reporter: ProgressReporter,
    @inject(CheckpointStoreToken) readonly checkpoints: CheckpointStore,
    @inject(ClockToken) private readonly clock: Clock,
    @inject(BackendServiceToken) private readonly backend: BackendService,
    @multiInject(FrozenModelToken) @optional() private readonly frozenModels: FrozenModel[] = [],
  ) {}

  async fit(opts: FitOptions): Promise<FitResult> {
    const backend = await this.backend.ensure();
    // cpu and wasm hold tensors in host memory: the per-step check is read synchronously there.
    const syncRead = (HOST_MEMORY_BACKENDS as readonly string[]).includes(backend.name);
    const epochs = positiveInt(opts.epochs, 'epochs', 1);
    // The batch size may change from epoch to epoch (a function of the epoch); it is fixed within one.
    const batchSizeAt = (epoch: number) =>
      positiveInt(typeof opts.batchSize === 'function' ? opts.batchSize(epoch) : opts.batchSize, typeof opts.batchSize === 'function' ? `batchSize(${epoch})` : 'batchSize', 32);
    const batchSize = batchSizeAt(0);
    const accumulation = positiveInt(opts.accumulationSteps, 'accumulationSteps', 1);
    const maxSteps = opts.maxSteps === undefined ? Infinity : positiveInt(opts.maxSteps, 'maxSteps', 1);
    const nanPolicy = opts.nanPolicy ?? 'stop';
    if (nanPolicy !== 'stop' && nanPolicy !== 'skip') throw new TesseraError(`Trainer.fit: nanPolicy must be "stop" or "skip"; got "${String(nanPolicy)}".`);

    const model = asTrainableModel(opts.model);
    const loss = resolveRef(this.registry, 'loss', opts.loss);
    const regularizers = (opts.regularizers ?? []).map((r) => ({ reg: resolveRef(this.registry, 'regularizer', r.regularizer), weight: r.weight }));
    const optimizer = resolveRef(this.registry, 'optimizer', opts.optimizer) as TrainableOptimizer;
    const schedule: Schedule | undefined = opts.schedule ? resolveRef(this.registry, 'schedule', opts.schedule) : undefined;
    const callbacks: Callback[] = (opts.callbacks ?? []).map((c) => resolveRef(this.registry, 'callback', c));
    const reweighters = callbacks.filter((c) => typeof c.reweight === 'function');
    const train = isDataset(opts.data) ? opts.data : tensorDataset(opts.data);
    const validation = opts.validation === undefined ? undefined : isDataset(opts.validation) ? opts.validation : tensorDataset(opts.validation);
    if (train.size === 0) throw new TesseraError('Trainer.fit: the training data is empty.');
    if (optimizer.needsClosure && accumulation > 1) {
      throw new TesseraError('Trainer.fit: accumulationSteps > 1 cannot be combined with an optimizer that re-evaluates the loss (needsClosure, e.g. SAM).');
    }

    const stateful: StatefulEntry[] = [];
    const addStateful = (p: unknown, kind: string) => {
      if (!isStateful(p)) return;
      const name = (p as { manifest?: { name: string } }).manifest?.name ?? `${stateful.length}`;
      const key = p.stateKey ?? `${kind}:${name}`;
      if (stateful.some((s) => s.key === key)) throw new TesseraError(`Trainer.fit: two stateful plugins share the state key "${key}"; give one a stateKey.`);
      stateful.push({ key, plugin: p });
    };
    addStateful(loss, 'loss');
    regularizers.forEach((r) => addStateful(r.reg, 'regularizer'));
    callbacks.forEach((c) => addStateful(c, 'callback'));

    this.rng.seed(opts.seed ?? 0);
    let loop: LoopState = { step: 0, epoch: 0, batchInEpoch: 0, epochRngState: this.rng.getState(), rngState: this.rng.getState(), history: [] };
    let resumedFrom: number | undefined;
    let lastCheckpoint: string | undefined;
    if (opts.checkpoint?.resume) {
      const latest = await this.checkpoints.latest(opts.checkpoint.dir);
      if (latest) {
        loop = await restoreCheckpoint(await this.checkpoints.load(latest), model, optimizer, stateful, latest);
        this.rng.setState(loop.rngState);
        resumedFrom = loop.step;
        lastCheckpoint = latest;
      }
    }

    const logs: Record<string, number> = {};
    const overrides = new Map<string, number>();
    let stopReason: FitResult['stopReason'] | undefined;
    const ctx: TrainerContext = {
      get step() {
        return loop.step;
      },
      get epoch() {
        return loop.epoch;
      },
      get batchInEpoch() {
        return loop.batchInEpoch;
      },
      model,
      optimizer,
      logs,
      overrides,
      stop: () => {
        stopReason ??= 'callback';
      },
      log: (name, value) => {
        logs[name] = value;
        this.metrics.write({ step: loop.step, epoch: loop.epoch, split: 'train', metrics: { [name]: value } });
      },
    };
    if (resumedFrom !== undefined) for (const cb of callbacks) await cb.onCheckpointRestore?.(ctx, lastCheckpoint!);

    const microPerEpochAt = (epoch: number) => Math.ceil(train.size / batchSizeAt(epoch));
    let plannedSteps = 0;
    for (let e = 0; e < epochs; e++) plannedSteps += Math.ceil(microPerEpochAt(e) / accumulation);
    const totalSteps = Math.min(maxSteps, plannedSteps);
    const frozen = new FrozenOutputs([...this.frozenModels, ...(opts.frozenModels ?? [])]);
    const reporter = opts.progress === false ? new SilentProgressReporter() : this.reporter;
    const validationLog: FitResult['validation'][number][] = [];
    const skipped: { step: number; reason: string }[] = [];
    const history: StepRecord[] = [...loop.history];

    const saveCheckpoint = async () => {
      if (!opts.checkpoint) return;
      loop.rngState = this.rng.getState();
      loop.history = history.slice();
      const data = await captureCheckpoint(model, optimizer, stateful, loop);
      lastCheckpoint = await this.checkpoints.save(opts.checkpoint.dir, data);
      for (const cb of callbacks) await cb.onCheckpointSave?.(ctx, lastCheckpoint);
    };

    const evaluate = async () => {
      if (!validation) return;
      if (hasTrainEval(optimizer)) optimizer.eval();
      for (const cb of callbacks) await cb.onEvaluateBegin?.(ctx);
      const metrics = await this.evaluate({ model, data: validation, loss, batchSize, lossInputs: opts.lossInputs, frozen });
      if (hasTrainEval(optimizer)) optimizer.train();
      const named = Object.fromEntries(Object.entries(metrics).map(([k, v]) => [`val_${k}`, v]));
      Object.assign(logs, named);
      validationLog.push({ step: loop.step, epoch: loop.epoch, metrics: named });
      this.metrics.write({ step: loop.step, epoch: loop.epoch, split: 'val', metrics });
      for (const cb of callbacks) await cb.onEvaluateEnd?.(ctx, named);
    };

    reporter.start(totalSteps, opts.progress || 'train');
    if (resumedFrom !== undefined) reporter.log(`resumed from step ${resumedFrom} (${lastCheckpoint})`);
    try {
      for (const cb of callbacks) await cb.onTrainBegin?.(ctx);
      const t0 = this.clock.now();
      let lastYield = t0;
      outer: while (loop.epoch < epochs) {
        // Reproduce this epoch's order from the RNG state at its start (exact resume mid-epoch).
        const resumingMidEpoch = loop.batchInEpoch > 0;
        const now = this.rng.getState();
        if (resumingMidEpoch) this.rng.setState(loop.epochRngState);
        else loop.epochRngState = now;
        const epochBatch = batchSizeAt(loop.epoch);
        const microPerEpoch = microPerEpochAt(loop.epoch);
        const order: number[] = new Array(train.size);
        for (let i = 0; i < train.size; i++) order[i] = i;
        if (opts.shuffle !== false) this.rng.shuffle(order);
        if (resumingMidEpoch) this.rng.setState(now);
        else for (const cb of callbacks) await cb.onEpochBegin?.(ctx);

        while (loop.batchInEpoch < microPerEpoch) {
          if (loop.step >= maxSteps) {
            stopReason = 'max-steps';
            break outer;
          }
          const first = loop.batchInEpoch;
          const count = Math.min(accumulation, microPerEpoch - first);
          const micro: number[][] = [];
          for (let j = 0; j < count; j++) micro.push(order.slice((first + j) * epochBatch, (first + j + 1) * epochBatch));
          const lr = schedule ? schedule.valueAt(loop.step) * (overrides.get('lrScale') ?? 1) : undefined;
          if (lr !== undefined) setLearningRate(optimizer, lr);
          else if (overrides.has('lr')) setLearningRate(optimizer, overrides.get('lr')!);
          const outcome = await this.#step({ ctx, model, loss, regularizers, optimizer, callbacks, train, micro, opts, nanPolicy, frozen, reweighters, syncRead });
          loop.batchInEpoch = first + count;
          if (outcome.skipped !== undefined) {
            // Numbered as the step that was attempted (the count of applied steps does not move).
            skipped.push({ step: loop.step + 1, reason: outcome.skipped });
            reporter.log(`step ${loop.step + 1}: skipped (${outcome.skipped})`);
            continue;
          }
          loop.step += 1;
          const record: StepRecord = { step: loop.step, loss: outcome.loss, ...(lr !== undefined ? { lr } : {}) };
          history.push(record);
          logs['loss'] = outcome.loss;
          if (lr !== undefined) logs['lr'] = lr;
          const stepLogs = { loss: outcome.loss, ...(lr !== undefined ? { lr } : {}), gradNorm: outcome.gradNorm };
          this.metrics.write({ step: loop.step, epoch: loop.epoch, split: 'train', metrics: stepLogs });
          // Only callbacks with the hook are awaited (awaiting undefined still costs a turn of the microtask queue).
          for (const cb of callbacks) if (cb.afterStep) await cb.afterStep(ctx, stepLogs);
          reporter.update(loop.step, { loss: outcome.loss, ...(logs['val_loss'] !== undefined ? { val_loss: logs['val_loss'] } : {}) });
          let slowWork = false;
          if (opts.evaluateEvery && loop.step % opts.evaluateEvery === 0) {
            await evaluate();
            slowWork = true;
          }
          if (opts.checkpoint?.everySteps && loop.step % opts.checkpoint.everySteps === 0) {
            await saveCheckpoint();
            slowWork = true;
          }
          // Let signal handlers and timers run (tfjs' data() can resolve without leaving the
          // microtask queue), at most every YIELD_EVERY_MS: a turn of the event loop runs the
          // tasks V8 and Node queued meanwhile, 0.5–1.5 ms measured on wasm, so every 25 ms it
          // cost 2 % of a 5 ms step (W4) and every 250 ms it costs 0.1 %. After an evaluation or
          // a checkpoint (each far dearer than a turn) it always yields, so a Ctrl-C that came
          // meanwhile stops the run at this step, with the checkpoint just written.
          if (slowWork || this.clock.now() - lastYield >= YIELD_EVERY_MS) {
            await new Promise<void>((resolve) => setImmediate(resolve));
            lastYield = this.clock.now();
          }
          if (opts.signal?.aborted) stopReason = 'interrupted';
          if (stopReason) break outer;
        }
        // End of epoch.
        const finishedEpoch = loop.epoch;
        loop.epoch += 1;
        loop.batchInEpoch = 0;
        await evaluate();
        const epochLogs = { ...logs };
        for (const cb of callbacks) await cb.onEpochEnd?.(ctx, epochLogs);
        const val = Object.entries(logs).filter(([k]) => k.startsWith('val_')).map(([k, v]) => `${k} ${v.toFixed(4)}`).join('  ');
        reporter.log(`epoch ${finishedEpoch + 1}/${epochs}  loss ${(logs['loss'] ?? NaN).toFixed(4)}${val ? `  ${val}` : ''}  (${((this.clock.now() - t0) / 1000).toFixed(1)} s)`);
        if (opts.checkpoint && opts.checkpoint.everyEpoch !== false) await saveCheckpoint();
        if (opts.signal?.aborted) stopReason = 'interrupted';
        if (stopReason) break;
      }
      if (stopReason) await saveCheckpoint();
      for (const cb of callbacks) await cb.onTrainEnd?.(ctx);
    } finally {
      reporter.stop();
      await this.metrics.close?.();
    }
    // Schedule-Free: leave the model with its evaluation weights.
    if (hasTrainEval(optimizer)) optimizer.eval();
    const final: Record<string, number> = { ...logs };
    return {
      steps: loop.step,
      epochs: loop.epoch,
      history,
      validation: validationLog,
      final,
      stopReason: stopReason ?? (loop.step >= maxSteps && maxSteps !== Infinity ? 'max-steps' : 'completed'),
      skipped,
      ...(resumedFrom !== undefined ? { resumedFrom } : {}),
      ...(lastCheckpoint ? { lastCheckpoint } : {}),
      backend: backend.name,
    };
  }

  /**
   * Mean loss (and accuracy, when the output is `[N, C]` logits and the
   * targets class ids) over a dataset, in inference mode.
   */
  async evaluate(args: {
    model: TrainableModel | Parameters<typeof asTrainableModel>[0];
    data: Dataset | Parameters<typeof tensorDataset>[0];
    loss: Loss | string;
    batchSize?: number;
    lossInputs?: FitOptions['lossInputs'];
    frozen?: FrozenOutputs;
  }): Promise<Record<string, number>> {
    const model = asTrainableModel(args.model);
    const loss = typeof args.loss === 'string' ? this.registry.create('loss', args.loss) : args.loss;
    const data = isDataset(args.data) ? args.data : tensorDataset(args.data);
    const batchSize = args.batchSize ?? 256;
    let lossSum = tf.scalar(0);
    let correct = tf.scalar(0);
    let withAccuracy = true;
    for (let start = 0; start < data.size; start += batchSize) {
      const idx = Array.from({ length: Math.min(batchSize, data.size - start) }, (_, i) => start + i);
      let batch = data.batch(idx);
      if (args.frozen && !args.frozen.empty) batch = { ...batch, fields: { ...(batch.fields ?? {}), ...(await args.frozen.compute(batch)) } };
      const [l, c] = tf.tidy(() => {
        const out = model.forward(batch.x, { training: false });
        const inputs = this.#lossInputs(loss, out, batch, args.lossInputs);
        const value = tf.mul(loss.compute(inputs), batch.size);
        const logits = out instanceof tf.Tensor ? out : undefined;
        let hits: tf.Tensor = tf.scalar(0);
        if (logits && logits.rank === 2 && batch.y && batch.y.rank === 1) hits = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.cast(batch.y, 'int32')), 'float32'));
        else withAccuracy = false;
        return [tf.add(lossSum, value), tf.add(correct, hits)];
      });
      tf.dispose([lossSum, correct, ...batchTensors(batch)]);
      lossSum = l as tf.Scalar;
      correct = c as tf.Scalar;
    }
    const [ls, cs] = [(await lossSum.data())[0]!, (await correct.data())[0]!];
    tf.dispose([lossSum, correct]);
    return { loss: ls / data.size, ...(withAccuracy ? { accuracy: cs / data.size } : {}) };
  }

  #lossInputs(loss: Loss, out: tf.Tensor | LossInputs, batch: Batch, custom?: FitOptions['lossInputs']): LossInputs {
    if (custom) return custom(out, batch);
    const io = loss.manifest.io;
    const inputs: LossInputs = { ...(batch.fields ?? {}) };
    if (out instanceof tf.Tensor) inputs[io?.output ?? 'logits'] = out;
    else Object.assign(inputs, out);
    if (batch.y) inputs[io?.target ?? 'labels'] = batch.y;
    return inputs;
  }

  /** One optimizer step over `micro` index lists (accumulated). Returns the mean loss, or why the step was skipped. */
  async #step(a: {
    ctx: TrainerContext;
    model: TrainableModel;
    loss: Loss;
    regularizers: { reg: Loss; weight: number }[];
    optimizer: TrainableOptimizer;
    callbacks: Callback[];
    train: Dataset;
    micro: number[][];
    opts: FitOptions;
    nanPolicy: 'stop' | 'skip';
    frozen: FrozenOutputs;
    reweighters: Callback[];
    syncRead: boolean;
  }): Promise<{ loss: number; gradNorm: number; skipped?: undefined } | { skipped: string; loss?: undefined; gradNorm?: undefined }> {
    const { ctx, model, loss, regularizers, optimizer, callbacks, opts, reweighters } = a;
    const vars = model.trainableVariables as tf.Variable[];

    // The scalar objective of one batch; `selected` receives Σw when reweighting.
    const objective = (batch: Batch, selected: tf.Tensor[]): tf.Scalar => {
      const out = model.forward(batch.x, { training: true });
      const inputs = this.#lossInputs(loss, out, batch, opts.lossInputs);
      let value: tf.Tensor;
      let perSample: tf.Tensor | undefined;
      if (reweighters.length > 0) {
        perSample = loss.compute(inputs, { reduction: 'none' });
        const detached = stopGradient(perSample);
        let w: tf.Tensor = tf.onesLike(perSample);
        for (const r of reweighters) w = tf.mul(w, stopGradient(r.reweight!(ctx, detached, batch)));
        const wsum = tf.sum(w);
        selected.push(tf.keep(wsum));
        value = tf.div(tf.sum(tf.mul(w, perSample)), tf.maximum(wsum, tf.scalar(1e-12)));
      } else {
        value = loss.compute(inputs);
      }
      for (const { reg, weight } of regularizers) {
        const rin = this.#lossInputs(reg, out, batch, opts.lossInputs);
        value = tf.add(value, tf.mul(reg.compute(rin), weight));
      }
      for (const cb of callbacks) cb.afterForward?.(ctx, { outputs: out, loss: value, ...(perSample ? { perSample } : {}) });
      return value as tf.Scalar;
    };

    const withHooks = (loaded: Batch): Batch => {
      let batch = loaded;
      for (const cb of callbacks) {
        const replaced = cb.beforeForward?.(ctx, batch);
        if (replaced && replaced !== batch) {
          const keep = new Set(batchTensors(replaced));
          tf.dispose(batchTensors(batch).filter((t) => !keep.has(t)));
          batch = replaced;
        }
      }
      return batch;
    };
    // Synchronous unless frozen models run (an await costs a turn of the microtask queue per batch).
    const loadBatch = (indices: number[]): Batch | Promise<Batch> => {
      const batch = a.train.batch(indices);
      if (a.frozen.empty) return withHooks(batch);
      // Frozen models run outside the gradient tape; their outputs join the loss inputs.
      return a.frozen.compute(batch).then((extra) => withHooks({ ...batch, fields: { ...(batch.fields ?? {}), ...extra } }));
    };

    const selected: tf.Tensor[] = [];
    let lossValue: tf.Scalar;
    let grads: tf.NamedTensorMap | undefined;

    if (optimizer.needsClosure) {
      // SAM-like: the optimizer evaluates the objective itself (more than once).
      const loaded = loadBatch(a.micro[0]!);
      const batch = loaded instanceof Promise ? await loaded : loaded;
      try {
        lossValue = optimizer.minimize(() => objective(batch, selected), true, vars) as tf.Scalar;
      } finally {
        tf.dispose(batchTensors(batch));
      }
    } else {
      let lossSum: tf.Scalar | undefined;
      for (const indices of a.micro) {
        const loaded = loadBatch(indices);
        const batch = loaded instanceof Promise ? await loaded : loaded;
        let res: { value: tf.Scalar; grads: tf.NamedTensorMap };
        try {
          res = tf.variableGrads(() => objective(batch, selected), vars);
        } finally {
          tf.dispose(batchTensors(batch));
        }
        if (!grads) {
          grads = res.grads;
          lossSum = res.value;
        } else {
          const prev = grads;
          const prevLoss = lossSum!;
          grads = tf.tidy(() => Object.fromEntries(Object.entries(prev).map(([k, g]) => [k, tf.add(g, res.grads[k]!)])));
          lossSum = tf.tidy(() => tf.add(prevLoss, res.value) as tf.Scalar);
          tf.dispose([...Object.values(prev), ...Object.values(res.grads), prevLoss, res.value]);
        }
      }
      if (a.micro.length > 1) {
        const k = a.micro.length;
        const [prev, prevLoss] = [grads!, lossSum!];
        grads = tf.tidy(() => Object.fromEntries(Object.entries(prev).map(([n, g]) => [n, tf.div(g, k)])));
        lossSum = tf.tidy(() => tf.div(prevLoss, k) as tf.Scalar);
        tf.dispose([...Object.values(prev), prevLoss]);
      }
      lossValue = lossSum!;
      // Hooks that transform gradients (masks, surgery), then clipping.
      const transform = (fn: (g: tf.NamedTensorMap) => tf.NamedTensorMap | void) => {
        const prev = grads!;
        const next = tf.tidy(() => fn(prev) ?? prev);
        if (next !== prev) {
          const keep = new Set(Object.values(next));
          tf.dispose(Object.values(prev).filter((t) => !keep.has(t)));
          grads = next;
        }
      };
      for (const cb of callbacks) if (cb.afterBackward) transform((g) => cb.afterBackward!(ctx, g));
      if (opts.gradientClip?.value !== undefined) transform((g) => clipByValue(g, opts.gradientClip!.value!));
      if (opts.gradientClip?.norm !== undefined) transform((g) => clipByGlobalNorm(g, opts.gradientClip!.norm!));
    }

    // One host read per step: the loss, the gradient norm and the selection weight.
    const gradList = grads ? Object.values(grads) : [];
    const check =
      selected.length === 0
        ? packSquaredNorm([lossValue], gradList)
        : tf.tidy(() => packSquaredNorm([lossValue, selected.length === 1 ? selected[0]! : tf.addN(selected)], gradList));
    // On cpu and wasm a synchronous read is the same copy without a promise.
    const read = a.syncRead ? check.dataSync() : await check.data();
    const [lv, normSq, wsum] = read.length === 3 ? [read[0]!, read[2]!, read[1]!] : [read[0]!, read[1]!, 1];
    check.dispose();
    tf.dispose(selected);
    const finalize = () => {
      lossValue.dispose();
      if (grads) tf.dispose(Object.values(grads));
    };
    if (!Number.isFinite(lv!) || !Number.isFinite(normSq!)) {
      const where = !Number.isFinite(lv!) ? 'loss' : `gradient of ${(grads && (await firstNonFinite(grads))) ?? 'a variable'}`;
      finalize();
      const what = `non-finite ${where} (${!Number.isFinite(lv!) ? lv : 'NaN/Inf elements'}) at step ${ctx.step + 1}`;
      if (a.nanPolicy === 'skip') return { skipped: what };
      throw new NonFiniteError(ctx.step + 1, where, `Trainer: ${what}; stopping (nanPolicy "stop"; use "skip" to skip such steps).`);
    }
    if (wsum === 0) {
      finalize();
      return { skipped: 'the reweighters selected no sample' };
    }
    if (grads) optimizer.applyGradients(grads);
    finalize();
    return { loss: lv!, gradNorm: Math.sqrt(normSq!) };
  }
}

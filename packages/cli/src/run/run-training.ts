import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  asTrainableModel,
  CheckpointStoreToken,
  JsonlMetricSink,
  MetricSinkToken,
  PluginRegistryToken,
  ProgressReporterToken,
  SilentProgressReporter,
  TrainerToken,
  type FitResult,
  type Loss,
  type LossInputs,
  type Miner,
  type MetricRecord,
  type ProgressReporter,
  type TrainableModel,
} from '@tessera/core';
import type { ContainerModule } from 'inversify';
import { workbenchContainer } from '../config/load-modules.js';
import type { ResolvedRef, RunConfig } from '../config/schema.js';
import { remapOptimizerState } from './remap-optimizer-state.js';
import type { BuiltModel, DatasetSource, ModelFactory } from '../zoo/types.js';

/** What `summary.json` of a run holds. */
export interface RunSummary {
  readonly name: string;
  readonly stopReason: FitResult['stopReason'];
  readonly steps: number;
  readonly epochs: number;
  /** The last train loss and validation metrics. */
  readonly final: Record<string, number>;
  /** Optimizer steps per second of wall time in this process (after a resume: the resumed part). */
  readonly stepsPerSecond: number;
  readonly wallSeconds: number;
  readonly backend: string;
  readonly seed: number;
  readonly resumedFrom?: number;
  readonly lastCheckpoint?: string;
  readonly data: string;
  readonly plugins: Record<string, { name: string; params: Record<string, unknown> } | { name: string; params: Record<string, unknown> }[]>;
}

export interface RunOptions {
  /** The run folder: config.json, metrics.jsonl, summary.json, checkpoints/. */
  readonly outDir: string;
  /** Plugin modules the config loaded (custom plugins). */
  readonly modules?: readonly ContainerModule[];
  /** Continue from the newest complete checkpoint in `<outDir>/checkpoints`. */
  readonly resume?: boolean;
  /** Aborting stops after the current step, writes a checkpoint and returns. */
  readonly signal?: AbortSignal;
  /** Progress view; default: core's console reporter. */
  readonly reporter?: ProgressReporter;
}

/** The files of a run folder. */
export const runFiles = (dir: string) => ({
  config: path.join(dir, 'config.json'),
  metrics: path.join(dir, 'metrics.jsonl'),
  summary: path.join(dir, 'summary.json'),
  checkpoints: path.join(dir, 'checkpoints'),
});

/** The config as plain data (what `config.json` holds and a resume compares). */
export function configRecord(config: RunConfig): Record<string, unknown> {
  const ref = (r?: ResolvedRef) => (r ? { name: r.name, params: r.full } : undefined);
  return JSON.parse(
    JSON.stringify({
      name: config.name,
      seed: config.seed,
      model: ref(config.model),
      data: ref(config.data),
      loss: ref(config.loss),
      optimizer: ref(config.optimizer),
      schedule: ref(config.schedule),
      norm: ref(config.norm),
      attention: ref(config.attention),
      callbacks: config.callbacks.map(ref),
      miners: config.miners.map(ref),
      train: config.train,
      metric: config.metric,
      plugins: config.plugins,
    }),
  ) as Record<string, unknown>;
}

/** Reads a metrics.jsonl file (a torn last line, from a kill mid-write, is skipped). */
export function readMetrics(file: string): MetricRecord[] {
  if (!fs.existsSync(file)) return [];
  const out: MetricRecord[] = [];
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as MetricRecord);
    } catch {
      // a line cut by SIGKILL
    }
  }
  return out;
}

function stepOfCheckpoint(file: string): number {
  const m = /ckpt-(\d+)\.tsr$/.exec(file);
  return m ? Number(m[1]) : 0;
}

function disposeModel(model: BuiltModel): void {
  const m = model as BuiltModel & { dispose?: () => unknown };
  if (typeof m.dispose === 'function' && !('forward' in m)) {
    m.dispose();
    return;
  }
  const t = model as TrainableModel;
  tf.dispose([...(t.trainableVariables ?? []), ...(t.stateVariables ?? [])]);
}

/** The loss applied to the inputs after every miner, in order (the loss keeps its manifest and `io`). */
function withMiners(loss: Loss, miners: readonly Miner[]): Loss {
  if (miners.length === 0) return loss;
  return {
    manifest: loss.manifest,
    compute: (inputs, opts) => tf.tidy(() => loss.compute(miners.reduce<LossInputs>((acc, m) => m.mine(acc), inputs), opts)),
  };
}

/**
 * Runs one validated config: loads the data, builds the model from the zoo,
 * fits it with the config's plugins, writes metrics (JSON Lines), checkpoints
 * and a summary to `outDir`. With `resume`, continues exactly from the newest
 * complete checkpoint (the metrics written after it are dropped, so the
 * curve has no duplicates).
 */
export async function runTraining(config: RunConfig, opts: RunOptions): Promise<RunSummary> {
  const files = runFiles(opts.outDir);
  fs.mkdirSync(opts.outDir, { recursive: true });
  const record = configRecord(config);
  const container = workbenchContainer(opts.modules ?? []);
  const registry = container.get(PluginRegistryToken);
  const store = container.get(CheckpointStoreToken);

  let resumeFrom: string | undefined;
  if (opts.resume) {
    resumeFrom = await store.latest(files.checkpoints);
    if (resumeFrom && fs.existsSync(files.config)) {
      const before = JSON.stringify(JSON.parse(fs.readFileSync(files.config, 'utf8')));
      if (before !== JSON.stringify(record)) {
        throw new Error(`${files.config}: the config changed since the checkpoint was written; resume with the same config, or train into a new folder (--out).`);
      }
    }
  }
  if (resumeFrom) {
    // Keep the metrics up to the checkpoint; the steps after it are run again.
    const upTo = stepOfCheckpoint(resumeFrom);
    const kept = readMetrics(files.metrics).filter((r) => r.step <= upTo);
    fs.writeFileSync(files.metrics, kept.map((r) => `${JSON.stringify(r)}\n`).join(''));
  } else {
    fs.rmSync(files.metrics, { force: true });
    fs.rmSync(files.checkpoints, { recursive: true, force: true });
    fs.rmSync(files.summary, { force: true });
  }
  fs.writeFileSync(files.config, `${JSON.stringify(record, null, 2)}\n`);

  container.rebind(MetricSinkToken).toConstantValue(new JsonlMetricSink(files.metrics));
  if (opts.reporter) container.rebind(ProgressReporterToken).toConstantValue(opts.reporter);
  const trainer = container.get(TrainerToken);

  const source = registry.create('dataset', config.data.name, config.data.params) as DatasetSource;
  const factory = registry.create('model', config.model.name, config.model.params) as ModelFactory;
  const data = source.load({ seed: config.seed });
  const loss = withMiners(
    registry.create('loss', config.loss.name, config.loss.params) as Loss,
    config.miners.map((m) => registry.create('miner', m.name, m.params) as Miner),
  );
  const optimizer = registry.create('optimizer', config.optimizer.name, config.optimizer.params) as tf.Optimizer;
  let model: BuiltModel | undefined;
  try {
    model = factory.build({
      registry,
      info: data.info,
      seed: config.seed,
      ...(config.norm ? { norm: config.norm } : {}),
      ...(config.attention ? { attention: config.attention } : {}),
    });
    if (resumeFrom) {
      // The checkpoint's variable names, in model order, may differ from this process's (tfjs-layers numbering).
      const meta = (await store.load(resumeFrom)).meta as { variables?: { name: string }[] };
      const m = asTrainableModel(model);
      const current = [...m.trainableVariables, ...(m.stateVariables ?? [])].map((v) => v.name);
      remapOptimizerState(optimizer, (meta.variables ?? []).map((v) => v.name), current);
    }
    const io = { output: loss.manifest.io?.output ?? 'logits', target: loss.manifest.io?.target ?? 'labels' };
    const t = config.train;
    const t0 = performance.now();
    const result = await trainer.fit({
      model,
      data: data.train,
      ...(data.validation ? { validation: data.validation } : {}),
      loss,
      ...(data.lossInputs ? { lossInputs: (out, batch) => data.lossInputs!(out, batch, io) } : {}),
      optimizer,
      ...(config.schedule ? { schedule: { name: config.schedule.name, params: config.schedule.params } } : {}),
      callbacks: config.callbacks.map((c) => ({ name: c.name, params: c.params })),
      epochs: t.epochs,
      batchSize: t.batchSize,
      accumulationSteps: t.accumulationSteps,
      nanPolicy: t.nanPolicy,
      ...(t.maxSteps ? { maxSteps: t.maxSteps } : {}),
      ...(t.evaluateEvery ? { evaluateEvery: t.evaluateEvery } : {}),
      ...(t.gradientClipNorm ? { gradientClip: { norm: t.gradientClipNorm } } : {}),
      seed: config.seed,
      checkpoint: { dir: files.checkpoints, everySteps: t.checkpointEvery, resume: Boolean(resumeFrom) },
      ...(opts.signal ? { signal: opts.signal } : {}),
      progress: opts.reporter instanceof SilentProgressReporter ? false : config.name,
    });
    const wallSeconds = (performance.now() - t0) / 1000;
    const ran = result.steps - (result.resumedFrom ?? 0);
    const ref = (r: ResolvedRef) => ({ name: r.name, params: r.full });
    const summary: RunSummary = {
      name: config.name,
      stopReason: result.stopReason,
      steps: result.steps,
      epochs: result.epochs,
      final: result.final,
      stepsPerSecond: wallSeconds > 0 ? ran / wallSeconds : 0,
      wallSeconds,
      backend: result.backend,
      seed: config.seed,
      ...(result.resumedFrom !== undefined ? { resumedFrom: result.resumedFrom } : {}),
      ...(result.lastCheckpoint ? { lastCheckpoint: result.lastCheckpoint } : {}),
      data: data.info.description,
      plugins: {
        model: ref(config.model),
        data: ref(config.data),
        loss: ref(config.loss),
        optimizer: ref(config.optimizer),
        ...(config.schedule ? { schedule: ref(config.schedule) } : {}),
        ...(config.norm ? { norm: ref(config.norm) } : {}),
        ...(config.attention ? { attention: ref(config.attention) } : {}),
        callbacks: config.callbacks.map(ref),
        miners: config.miners.map(ref),
      },
    };
    fs.writeFileSync(files.summary, `${JSON.stringify(summary, null, 2)}\n`);
    return summary;
  } finally {
    if (model) disposeModel(model);
    optimizer.dispose();
    data.dispose();
  }
}

/**
 * @tessera/core — plugin kinds and tokens, manifests, the PluginRegistry, the
 * injectable Trainer and its services, backend selection and checkpoints.
 */
export { z } from 'zod';

export * from './errors.js';
export {
  BUILTIN_KINDS,
  pluginToken,
  PluginKindDeclaration,
  LossPlugin,
  OptimizerPlugin,
  SchedulePlugin,
  NormalizationPlugin,
  AttentionPlugin,
  CallbackPlugin,
  MinerPlugin,
  RegularizerPlugin,
  type BuiltinKind,
  type PluginKind,
} from './plugin/plugin-kind.js';
export { definePlugin, type Plugin, type PluginManifest, type PluginDefinition, type PaperRef, type LossIO } from './plugin/plugin.js';
export { parseParams, describeParams, paramsJsonSchema, toParamIssues, rangeOf, type ParamInfo } from './plugin/params.js';
export { PluginRegistry, PluginRegistryToken, type PluginDescription, type InstanceOf } from './plugin/plugin-registry.js';
export type { PluginTypes } from './plugin/plugin-types.js';
export { pluginModule } from './plugin/plugin-module.js';
export { createContainer, createRegistry } from './create-container.js';
export { default as coreModule } from './module.js';

export type { Loss, LossInputs, LossComputeOptions, Reduction, Regularizer } from './contracts/loss.js';
export { isSchedule, type Schedule } from './contracts/schedule.js';
export type { Attention, AttentionInputs } from './contracts/attention.js';
export { hasTrainEval, type TrainableOptimizer } from './contracts/optimizer.js';
export type { Callback, TrainerContext, ForwardResult } from './contracts/callback.js';
export type { Miner } from './contracts/miner.js';
export { FrozenModelToken, type FrozenModel } from './contracts/frozen-model.js';
export { isStateful, type Stateful } from './contracts/stateful.js';
export {
  asTrainableModel,
  isLayersModelLike,
  isTrainableModel,
  type Batch,
  type LayersModelLike,
  type ModelInput,
  type TrainableModel,
} from './contracts/model.js';

export { checkTensor, requireInput, optionalInput, checkSameShape, checkDim, type TensorSpec } from './util/check-tensor.js';
export { closestNames, suggestion } from './util/closest-names.js';
export { stopGradient } from './util/stop-gradient.js';

export { useBackend, currentBackend, chosenBackend, type BackendName, type BackendChoice } from './backend/use-backend.js';
export { BackendServiceToken, autoBackendService, type BackendService } from './backend/backend-service.js';
export { adamUpdate, ADAM_UPDATE, type AdamUpdateArgs, type AdamUpdateResult } from './backend/kernels/adam-update.js';
export { packSquaredNorm, PACK_SQUARED_NORM } from './backend/kernels/pack-squared-norm.js';
export { useFusedKernels } from './backend/kernels/host-memory.js';

export { RngToken, Sfc32Rng, type Rng } from './services/rng.js';
export { ClockToken, systemClock, type Clock } from './services/clock.js';
export { MetricSinkToken, MemoryMetricSink, JsonlMetricSink, type MetricSink, type MetricRecord } from './services/metric-sink.js';
export {
  ProgressReporterToken,
  ConsoleProgressReporter,
  SilentProgressReporter,
  type ProgressReporter,
} from './services/progress-reporter.js';
export {
  CheckpointStoreToken,
  FileCheckpointStore,
  type CheckpointStore,
  type CheckpointData,
  type SerializedTensor,
  writeAtomic,
} from './checkpoint/checkpoint-store.js';
export { Trainer, TrainerToken, type FitOptions, type FitResult, type PluginRef } from './trainer/trainer.js';
export type { RegularizerTerm, StepRecord } from './trainer/fit-options.js';
export { tensorDataset, isDataset, type Dataset, type TensorData } from './trainer/dataset.js';
export { resolveRef } from './trainer/plugin-ref.js';
export { clipByGlobalNorm, clipByValue, globalNormSquared } from './trainer/gradient-ops.js';
export { toLayersLoss, toLayersCallbacks, TRAINER_ONLY_HOOKS, type LayersLossFn, type LayersLossOptions, type LayersTargetMode, type LayersCallbackArgs, type LayersCallbackOptions } from './interop/index.js';

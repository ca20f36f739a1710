import 'reflect-metadata';
import { ContainerModule } from 'inversify';
import { buildRegistry } from './plugin/registry-binding.js';
import { PluginRegistryToken } from './plugin/plugin-registry.js';
import { RngToken, Sfc32Rng } from './services/rng.js';
import { ClockToken, systemClock } from './services/clock.js';
import { MemoryMetricSink, MetricSinkToken } from './services/metric-sink.js';
import { ConsoleProgressReporter, ProgressReporterToken } from './services/progress-reporter.js';
import { CheckpointStoreToken, FileCheckpointStore } from './checkpoint/checkpoint-store.js';
import { Trainer, TrainerToken } from './trainer/trainer.js';
import { autoBackendService, BackendServiceToken } from './backend/backend-service.js';

/**
 * Core's container module: the plugin registry and every service the
 * trainer needs, each behind its token so a user can rebind it.
 */
const coreModule = new ContainerModule(({ bind }) => {
  bind(PluginRegistryToken).toDynamicValue(buildRegistry).inSingletonScope();
  bind(RngToken).toDynamicValue(() => new Sfc32Rng(0)).inSingletonScope();
  bind(ClockToken).toConstantValue(systemClock);
  bind(MetricSinkToken).toDynamicValue(() => new MemoryMetricSink()).inSingletonScope();
  bind(ProgressReporterToken).toDynamicValue(() => new ConsoleProgressReporter()).inSingletonScope();
  bind(CheckpointStoreToken).toDynamicValue(() => new FileCheckpointStore()).inSingletonScope();
  bind(BackendServiceToken).toConstantValue(autoBackendService);
  bind(TrainerToken).to(Trainer).inTransientScope();
});

export default coreModule;

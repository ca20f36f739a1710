import { Container, type ContainerModule } from 'inversify';
import coreModule from './module.js';
import { PluginRegistryToken, type PluginRegistry } from './plugin/plugin-registry.js';

/**
 * A container with core's services and the given plugin modules loaded.
 *
 * @example
 * import losses from '@tessera/losses/module';
 * const container = createContainer(losses);
 * const trainer = container.get(TrainerToken);
 */
export function createContainer(...modules: ContainerModule[]): Container {
  const container = new Container();
  container.load(coreModule, ...modules);
  return container;
}

/** The plugin registry of a new container with the given modules: the one-line entry point. */
export function createRegistry(...modules: ContainerModule[]): PluginRegistry {
  return createContainer(...modules).get(PluginRegistryToken);
}

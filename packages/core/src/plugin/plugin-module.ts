import { ContainerModule } from 'inversify';
import { BUILTIN_KINDS, PluginKindDeclaration, pluginToken } from './plugin-kind.js';
import type { Plugin } from './plugin.js';

/**
 * A `ContainerModule` that binds each plugin to the token of its kind (and
 * declares any non built-in kind), so the registry discovers them.
 *
 * @example
 * const container = createContainer(losses, pluginModule(myLoss));
 */
export function pluginModule(...plugins: Plugin[]): ContainerModule {
  return new ContainerModule(({ bind }) => {
    const declared = new Set<string>();
    for (const plugin of plugins) {
      const { kind } = plugin.manifest;
      bind(pluginToken(kind)).toConstantValue(plugin);
      if (!(BUILTIN_KINDS as readonly string[]).includes(kind) && !declared.has(kind)) {
        declared.add(kind);
        bind(PluginKindDeclaration).toConstantValue(kind);
      }
    }
  });
}

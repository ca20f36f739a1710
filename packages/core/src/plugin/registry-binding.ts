import type { ResolutionContext } from 'inversify';
import { BUILTIN_KINDS, PluginKindDeclaration, pluginToken } from './plugin-kind.js';
import { PluginRegistry } from './plugin-registry.js';
import type { Plugin } from './plugin.js';

/** Builds the registry from every plugin bound to a kind token (built-in kinds and declared ones). */
export function buildRegistry(ctx: ResolutionContext): PluginRegistry {
  const extra = ctx.getAll<string>(PluginKindDeclaration, { optional: true }) ?? [];
  const kinds = [...new Set<string>([...BUILTIN_KINDS, ...extra])];
  const plugins: Plugin[] = kinds.flatMap((k) => ctx.getAll<Plugin>(pluginToken(k), { optional: true }) ?? []);
  return new PluginRegistry(plugins);
}

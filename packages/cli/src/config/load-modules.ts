import path from 'node:path';
import { pathToFileURL } from 'node:url';
import attention from '@tessera/attention/module';
import { createContainer, pluginModule, type Plugin } from '@tessera/core';
import losses from '@tessera/losses/module';
import miners from '@tessera/miners/module';
import normalization from '@tessera/normalization/module';
import optimizers from '@tessera/optimizers/module';
import { ContainerModule, type Container } from 'inversify';
import workbench from '../module.js';
import type { ConfigIssue } from './issues.js';

/** The plugin packages the workbench always loads. */
export const builtinModules: readonly ContainerModule[] = [losses, optimizers, normalization, attention, miners, workbench];

const isPlugin = (x: unknown): x is Plugin =>
  typeof x === 'object' && x !== null && typeof (x as Plugin).create === 'function' && typeof (x as Plugin).manifest === 'object';

/**
 * Imports a user plugin module: a path (relative to `baseDir`) or a package
 * name whose default export is a `ContainerModule`, a plugin, or an array of
 * plugins (wrapped with `pluginModule`). Node must be able to import it, so
 * ship JavaScript (`.js`/`.mjs`) or run under a TypeScript loader.
 */
export async function importPluginModule(spec: string, baseDir: string): Promise<ContainerModule> {
  const isPath = spec.startsWith('.') || spec.startsWith('/') || /\.(m?js|ts|mts|cjs)$/.test(spec);
  const target = isPath ? pathToFileURL(path.resolve(baseDir, spec)).href : spec;
  const mod = (await import(target)) as { default?: unknown; plugins?: unknown };
  const exp = mod.default ?? mod.plugins;
  if (exp instanceof ContainerModule) return exp;
  if (isPlugin(exp)) return pluginModule(exp);
  if (Array.isArray(exp) && exp.every(isPlugin)) return pluginModule(...exp);
  throw new Error(`its default export is not a ContainerModule, a plugin or an array of plugins`);
}

/** Loads the user's plugin modules; each failure becomes an issue at `plugins.<i>`. */
export async function loadPluginModules(specs: readonly string[], baseDir: string): Promise<{ modules: ContainerModule[]; issues: ConfigIssue[] }> {
  const modules: ContainerModule[] = [];
  const issues: ConfigIssue[] = [];
  for (const [i, spec] of specs.entries()) {
    try {
      modules.push(await importPluginModule(spec, baseDir));
    } catch (e) {
      issues.push({ path: `plugins.${i}`, message: `cannot load plugin module "${spec}": ${(e as Error).message.split('\n')[0]}` });
    }
  }
  return { modules, issues };
}

/** A container with every built-in plugin package and the given extra modules. */
export function workbenchContainer(extra: readonly ContainerModule[] = []): Container {
  return createContainer(...builtinModules, ...extra);
}

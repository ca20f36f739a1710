import path from 'node:path';
import { type PluginRegistry } from '@tessera/core';
import type { ContainerModule } from 'inversify';
import type { ModelFactory } from '../zoo/types.js';
import { bestNames, ConfigError, zodToConfigIssues, type ConfigIssue } from './issues.js';
import { loadPluginModules, workbenchContainer } from './load-modules.js';
import { parse as parseYaml } from 'yaml';
import { setPath } from '../sweep/sweep-config.js';
import { readConfigFile } from './read-config.js';
import { PLUGIN_SLOTS, runConfigSchema, type ResolvedRef, type RunConfig } from './schema.js';
import { PluginRegistryToken } from '@tessera/core';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks one plugin reference against the registry: the name (closest known
 * names on a typo) and the hyperparameters against the manifest's zod schema
 * (every issue, each at its path, with the closest valid value).
 */
export function checkPluginRef(registry: PluginRegistry, kind: string, ref: unknown, at: string, issues: ConfigIssue[]): ResolvedRef | undefined {
  let name: string;
  let params: Record<string, unknown> = {};
  let nameAt = at;
  if (typeof ref === 'string') name = ref;
  else if (isRecord(ref) && typeof ref['name'] === 'string') {
    name = ref['name'];
    nameAt = `${at}.name`;
    if (ref['params'] !== undefined) {
      if (!isRecord(ref['params'])) return undefined; // reported by the structural check
      params = ref['params'];
    }
  } else return undefined; // reported by the structural check
  if (!registry.has(kind, name)) {
    const known = registry.list(kind).flatMap((m) => [m.name, ...(m.aliases ?? [])]);
    const close = bestNames(name, known, 3);
    issues.push({
      path: nameAt,
      message: known.length ? `unknown ${kind} "${name}"` : `unknown ${kind} "${name}" (no ${kind} plugin is registered)`,
      ...(close.length ? { fix: close.map((c) => `"${c}"`).join(' or ') } : {}),
    });
    return undefined;
  }
  const plugin = registry.get(kind, name);
  const parsed = plugin.manifest.params.safeParse(params);
  if (!parsed.success) {
    issues.push(...zodToConfigIssues(plugin.manifest.params, params, parsed.error.issues, `${at}.params`));
    return undefined;
  }
  return { name: plugin.manifest.name, params, full: parsed.data as Record<string, unknown> };
}

/**
 * Validates a run config against its structure and the plugin manifests,
 * before anything runs. Throws {@link ConfigError} listing every issue at
 * once, each with its path in the config and, where there is one, the
 * closest valid name or value.
 */
export function validateRunConfig(raw: unknown, opts: { file: string; baseDir: string; registry: PluginRegistry; preIssues?: ConfigIssue[] }): RunConfig {
  const issues: ConfigIssue[] = [...(opts.preIssues ?? [])];
  if (!isRecord(raw)) throw new ConfigError(opts.file, [{ path: '(root)', message: 'a config must be a mapping (YAML) or an object (JSON)' }]);
  const structure = runConfigSchema.safeParse(raw);
  if (!structure.success) issues.push(...zodToConfigIssues(runConfigSchema, raw, structure.error.issues, ''));

  const refs: Partial<Record<string, ResolvedRef>> = {};
  for (const [slot, kind] of PLUGIN_SLOTS) {
    if (raw[slot] === undefined) continue;
    const r = checkPluginRef(opts.registry, kind, raw[slot], slot, issues);
    if (r) refs[slot] = r;
  }
  const list = (slot: 'callbacks' | 'miners', kind: string): ResolvedRef[] => {
    const out: ResolvedRef[] = [];
    if (Array.isArray(raw[slot])) {
      raw[slot].forEach((c, i) => {
        const r = checkPluginRef(opts.registry, kind, c, `${slot}.${i}`, issues);
        if (r) out.push(r);
      });
    }
    return out;
  };
  const callbacks = list('callbacks', 'callback');
  const miners = list('miners', 'miner');
  const rawModel = raw['model'];
  const modelName = typeof rawModel === 'string' ? rawModel : isRecord(rawModel) && typeof rawModel['name'] === 'string' ? rawModel['name'] : undefined;
  if (modelName && opts.registry.has('model', modelName)) {
    // The slots a model reads do not depend on its hyperparameters: ask a default instance.
    const factory = opts.registry.create('model', modelName, {}) as ModelFactory;
    for (const slot of ['norm', 'attention'] as const) {
      if (raw[slot] !== undefined && !factory.uses.includes(slot)) {
        issues.push({ path: slot, message: `model "${modelName}" has no ${slot} to set (it uses: ${factory.uses.join(', ') || 'none'}); remove this key` });
      }
    }
  }
  if (issues.length > 0 || !structure.success) throw new ConfigError(opts.file, issues);
  const s = structure.data;
  const name = s.name ?? path.basename(opts.file).replace(/\.(ya?ml|json)$/i, '');
  const { model: _m, data: _d, loss: _l, optimizer: _o, schedule: _s, norm: _n, attention: _a, callbacks: _c, miners: _mi, ...rest } = s;
  return {
    ...rest,
    name,
    model: refs['model']!,
    data: refs['data']!,
    loss: refs['loss']!,
    optimizer: refs['optimizer']!,
    ...(refs['schedule'] ? { schedule: refs['schedule'] } : {}),
    ...(refs['norm'] ? { norm: refs['norm'] } : {}),
    ...(refs['attention'] ? { attention: refs['attention'] } : {}),
    callbacks,
    miners,
    plugins: s.plugins,
    baseDir: opts.baseDir,
  };
}

/** A validated config and the plugin modules it loaded (pass them to the run). */
export interface LoadedRunConfig {
  readonly config: RunConfig;
  readonly modules: ContainerModule[];
  readonly registry: PluginRegistry;
}

/** Loads the user's plugin modules named in a raw config, builds the registry, and validates the config. */
export async function prepareRunConfig(raw: unknown, file: string, baseDir = path.dirname(path.resolve(file))): Promise<LoadedRunConfig> {
  const specs = isRecord(raw) && Array.isArray(raw['plugins']) ? raw['plugins'].filter((p): p is string => typeof p === 'string') : [];
  const { modules, issues } = await loadPluginModules(specs, baseDir);
  let registry: PluginRegistry;
  try {
    registry = workbenchContainer(modules).get(PluginRegistryToken);
  } catch (e) {
    throw new ConfigError(file, [...issues, { path: 'plugins', message: (e as Error).message }]);
  }
  const config = validateRunConfig(raw, { file, baseDir, registry, preIssues: issues });
  return { config, modules, registry };
}

/**
 * Applies `path=value` overrides (`optimizer.params.learningRate=0.01`,
 * `norm=rms-norm`) to a raw config; values are parsed as YAML scalars or
 * flow collections (`[1, 2]`, `{ name: adam }`).
 */
export function applyOverrides(raw: unknown, sets: readonly string[], file: string): unknown {
  if (sets.length === 0) return raw;
  if (!isRecord(raw)) return raw;
  const out = JSON.parse(JSON.stringify(raw)) as Record<string, unknown>;
  const issues: ConfigIssue[] = [];
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) {
      issues.push({ path: `--set ${s}`, message: 'expected path=value, e.g. optimizer.params.learningRate=0.01' });
      continue;
    }
    setPath(out, s.slice(0, eq).trim(), parseYaml(s.slice(eq + 1)) as unknown);
  }
  if (issues.length) throw new ConfigError(file, issues);
  return out;
}

/** Reads, loads and validates a run config file (with optional `path=value` overrides). */
export async function loadRunConfig(file: string, sets: readonly string[] = []): Promise<LoadedRunConfig> {
  return prepareRunConfig(applyOverrides(readConfigFile(file), sets, file), file);
}

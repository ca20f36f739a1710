import { DuplicatePluginError, UnknownPluginError } from '../errors.js';
import { suggestion, closestNames } from '../util/closest-names.js';
import { describeParams, paramsJsonSchema, type ParamInfo } from './params.js';
import type { Plugin, PluginManifest, PaperRef } from './plugin.js';
import type { PluginKind } from './plugin-kind.js';
import type { PluginTypes } from './plugin-types.js';
import type { ServiceIdentifier } from 'inversify';

/** The DI token of the registry. */
export const PluginRegistryToken: ServiceIdentifier<PluginRegistry> = Symbol.for('@tessera/core/PluginRegistry');

/** What `describe` returns: the manifest in plain data, with every hyperparameter. */
export interface PluginDescription {
  readonly kind: PluginKind;
  readonly name: string;
  readonly aliases: readonly string[];
  readonly summary: string;
  readonly paper?: PaperRef;
  readonly package?: string;
  readonly params: readonly ParamInfo[];
  /** The JSON schema of the hyperparameters (input side). */
  readonly jsonSchema: unknown;
}

/** The instance type `create(kind, …)` returns for a kind. */
export type InstanceOf<K extends PluginKind> = K extends keyof PluginTypes ? PluginTypes[K] : unknown;

/**
 * Every registered plugin, by kind and name. Built once per container
 * (singleton) from all plugins bound to the kind tokens; checks at load that
 * no two plugins of a kind share a name or alias.
 */
export class PluginRegistry {
  readonly #byKind = new Map<string, Map<string, Plugin>>();
  readonly #canonical = new Map<string, Plugin[]>();

  constructor(plugins: Iterable<Plugin>) {
    for (const plugin of plugins) this.#add(plugin);
  }

  #add(plugin: Plugin): void {
    const { kind, name, aliases = [] } = plugin.manifest;
    let names = this.#byKind.get(kind);
    if (!names) {
      names = new Map();
      this.#byKind.set(kind, names);
      this.#canonical.set(kind, []);
    }
    for (const n of [name, ...aliases]) {
      const prior = names.get(n);
      if (prior && prior !== plugin) {
        const where = (p: Plugin) => p.manifest.package ?? 'user code';
        throw new DuplicatePluginError(
          `${kind} "${n}" is registered twice: by ${where(prior)} (as "${prior.manifest.name}") and by ${where(plugin)} (as "${name}"). ` +
            'Plugin names are unique per kind; rename one or load only one of the modules.',
        );
      }
      names.set(n, plugin);
    }
    if (!this.#canonical.get(kind)!.includes(plugin)) this.#canonical.get(kind)!.push(plugin);
  }

  /** The kinds that have at least one plugin. */
  kinds(): PluginKind[] {
    return [...this.#byKind.keys()];
  }

  /** The manifests of every plugin (of one kind, if given), sorted by kind then name. */
  list(kind?: PluginKind): PluginManifest[] {
    const kinds = kind === undefined ? [...this.#canonical.keys()].sort() : [kind];
    return kinds.flatMap((k) =>
      (this.#canonical.get(k) ?? []).map((p) => p.manifest).sort((a, b) => a.name.localeCompare(b.name)),
    );
  }

  /** Whether a plugin of that kind and name (or alias) is registered. */
  has(kind: PluginKind, name: string): boolean {
    return this.#byKind.get(kind)?.has(name) ?? false;
  }

  /** The plugin; throws {@link UnknownPluginError} naming the closest known names. */
  get(kind: PluginKind, name: string): Plugin {
    const names = this.#byKind.get(kind);
    const plugin = names?.get(name);
    if (plugin) return plugin;
    if (!names) {
      const kinds = this.kinds();
      throw new UnknownPluginError(kind, name, [], `Unknown plugin kind "${kind}" (looking for "${name}"): no plugin of that kind is registered; ${suggestion(kind, kinds)}`);
    }
    const known = [...names.keys()];
    throw new UnknownPluginError(kind, name, closestNames(name, known), `Unknown ${kind} "${name}": ${suggestion(name, known)}`);
  }

  /** Validates `params` against the plugin's schema (defaults filled in) and builds an instance. */
  create<K extends PluginKind>(kind: K, name: string, params: Record<string, unknown> = {}): InstanceOf<K> {
    return this.get(kind, name).create(params) as InstanceOf<K>;
  }

  /** The manifest as plain data, with every hyperparameter's type, default, range and description. */
  describe(kind: PluginKind, name: string): PluginDescription {
    const m = this.get(kind, name).manifest;
    return {
      kind: m.kind,
      name: m.name,
      aliases: m.aliases ?? [],
      summary: m.summary,
      ...(m.paper ? { paper: m.paper } : {}),
      ...(m.package ? { package: m.package } : {}),
      params: describeParams(m.params),
      jsonSchema: paramsJsonSchema(m.params),
    };
  }
}

import type { PluginKind } from '../plugin/plugin-kind.js';
import type { InstanceOf, PluginRegistry } from '../plugin/plugin-registry.js';

/** A plugin given by name, by name with hyperparameters, or as an instance. */
export type PluginRef<T> = string | { name: string; params?: Record<string, unknown> } | T;

function isNamed(ref: unknown): ref is { name: string; params?: Record<string, unknown> } {
  return (
    typeof ref === 'object' && ref !== null && typeof (ref as { name?: unknown }).name === 'string' &&
    Object.keys(ref).every((k) => k === 'name' || k === 'params')
  );
}

/** Resolves a {@link PluginRef} through the registry; instances pass through. */
export function resolveRef<K extends PluginKind>(registry: PluginRegistry, kind: K, ref: PluginRef<InstanceOf<K>>): InstanceOf<K> {
  if (typeof ref === 'string') return registry.create(kind, ref);
  if (isNamed(ref)) return registry.create(kind, ref.name, ref.params ?? {});
  return ref as InstanceOf<K>;
}

import type { ServiceIdentifier } from 'inversify';
import type { Plugin } from './plugin.js';

/** The built-in plugin kinds. Packages may add their own kinds (any kebab-case string). */
export const BUILTIN_KINDS = [
  'loss',
  'optimizer',
  'schedule',
  'normalization',
  'attention',
  'callback',
  'miner',
  'regularizer',
] as const;

export type BuiltinKind = (typeof BUILTIN_KINDS)[number];
/** A plugin kind: one of {@link BUILTIN_KINDS} or a user-defined kebab-case string. */
export type PluginKind = BuiltinKind | (string & {});

const pascal = (kind: string): string =>
  kind.replace(/(^|-)([a-z0-9])/g, (_m, _d: string, c: string) => c.toUpperCase());

/**
 * The typed DI token of a plugin kind: `Symbol.for('@tessera/core/<Kind>Plugin')`.
 * `Symbol.for` keeps the token identical even if two copies of core are loaded.
 */
export function pluginToken<K extends PluginKind>(kind: K): ServiceIdentifier<Plugin> {
  return Symbol.for(`@tessera/core/${pascal(kind)}Plugin`);
}

/** Declares an extra (non built-in) kind, so the registry collects its plugins. */
export const PluginKindDeclaration: ServiceIdentifier<string> = Symbol.for('@tessera/core/PluginKindDeclaration');

export const LossPlugin = pluginToken('loss');
export const OptimizerPlugin = pluginToken('optimizer');
export const SchedulePlugin = pluginToken('schedule');
export const NormalizationPlugin = pluginToken('normalization');
export const AttentionPlugin = pluginToken('attention');
export const CallbackPlugin = pluginToken('callback');
export const MinerPlugin = pluginToken('miner');
export const RegularizerPlugin = pluginToken('regularizer');

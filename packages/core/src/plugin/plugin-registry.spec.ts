import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createContainer, createRegistry } from '../create-container.js';
import { DuplicatePluginError, InvalidParamsError, UnknownPluginError } from '../errors.js';
import { z } from 'zod';
import { definePlugin } from './plugin.js';
import { pluginModule } from './plugin-module.js';
import { PluginRegistryToken } from './plugin-registry.js';
import type { Loss } from '../contracts/loss.js';

const scaled = definePlugin({
  kind: 'loss',
  name: 'scaled-l1',
  package: '@test/a',
  summary: 'A scaled L1 loss.',
  io: { required: ['predictions', 'targets'], output: 'predictions', target: 'targets' },
  params: z.strictObject({
    scale: z.number().positive().max(10).default(1).describe('Multiplier.'),
    reduction: z.enum(['mean', 'sum']).default('mean').describe('Reduction.'),
  }),
  create: (p, manifest): Loss => ({
    manifest,
    compute: ({ predictions, targets }) => tf.tidy(() => tf.mul(p.scale, tf.mean(tf.abs(tf.sub(predictions!, targets!))))),
  }),
});

const constant = definePlugin({
  kind: 'schedule',
  name: 'constant',
  summary: 'A constant.',
  params: z.strictObject({ value: z.number().default(1).describe('The value.') }),
  create: (p, manifest) => ({ manifest, valueAt: () => p.value }),
});

describe('PluginRegistry', () => {
  const registry = createRegistry(pluginModule(scaled, constant));

  it('lists, gets, creates and describes plugins by kind and name', () => {
    expect(registry.list().map((m) => `${m.kind}/${m.name}`)).toEqual(['loss/scaled-l1', 'schedule/constant']);
    expect(registry.list('loss').map((m) => m.name)).toEqual(['scaled-l1']);
    expect(registry.get('loss', 'scaled-l1')).toBe(scaled);
    expect(registry.create('schedule', 'constant', { value: 3 }).valueAt(10)).toBe(3);
    const d = registry.describe('loss', 'scaled-l1');
    expect(d.params).toEqual([
      { name: 'scale', type: 'number', default: 1, description: 'Multiplier.', range: '(0, 10]', optional: true },
      { name: 'reduction', type: 'enum', default: 'mean', description: 'Reduction.', range: 'one of "mean", "sum"', optional: true },
    ]);
  });

  it('fails on an unknown name with the closest known names', () => {
    expect(() => registry.get('loss', 'scaled-li')).toThrow(UnknownPluginError);
    expect(() => registry.get('loss', 'scaled-li')).toThrow('Unknown loss "scaled-li": did you mean "scaled-l1"?');
    expect(() => registry.get('losss', 'x')).toThrow('Unknown plugin kind "losss"');
    expect(() => registry.get('losss', 'x')).toThrow('did you mean "loss"');
  });

  it('fails on bad hyperparameters naming plugin, parameter, value and allowed range, all at once', () => {
    let error: InvalidParamsError | undefined;
    try {
      registry.create('loss', 'scaled-l1', { scale: 20, reduktion: 'sum' });
    } catch (e) {
      error = e as InvalidParamsError;
    }
    expect(error).toBeInstanceOf(InvalidParamsError);
    expect(error!.issues).toHaveLength(2);
    expect(error!.message).toContain('loss "scaled-l1"');
    expect(error!.message).toContain('scale = 20: expected ≤ 10 (allowed: (0, 10])');
    expect(error!.message).toContain('unknown parameter "reduktion"; did you mean "reduction"?');
    expect(() => registry.create('loss', 'scaled-l1', { scale: 'big' })).toThrow('scale = "big": expected a value of type number');
  });

  it('validates hyperparameters also when a plugin is created directly', () => {
    expect(() => scaled.create({ scale: -1 })).toThrow(InvalidParamsError);
  });

  it('fails at load when two packages register the same name, naming both', () => {
    const twin = definePlugin({ ...scaled.manifest, package: '@test/b', create: scaled.create as never });
    expect(() => createRegistry(pluginModule(scaled), pluginModule(twin))).toThrow(DuplicatePluginError);
    expect(() => createRegistry(pluginModule(scaled), pluginModule(twin))).toThrow(/@test\/a.*@test\/b/);
  });

  it('collects plugins of a user-defined kind', () => {
    const aug = definePlugin({ kind: 'augmentation', name: 'flip', summary: 'Flips.', params: z.strictObject({}), create: () => 'flipped' });
    const r = createRegistry(pluginModule(aug));
    expect(r.list('augmentation').map((m) => m.name)).toEqual(['flip']);
    expect(r.create('augmentation', 'flip')).toBe('flipped');
  });

  it('is a singleton per container', () => {
    const c = createContainer(pluginModule(constant));
    expect(c.get(PluginRegistryToken)).toBe(c.get(PluginRegistryToken));
  });

  it('rejects names that are not kebab-case', () => {
    expect(() => definePlugin({ kind: 'loss', name: 'CrossEntropy', summary: 's', params: z.strictObject({}), create: () => 1 })).toThrow('kebab-case');
  });
});

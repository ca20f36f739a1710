import * as tf from '@tensorflow/tfjs-core';
import { InvalidParamsError, createRegistry, type PluginManifest, type PluginRegistry } from '@tessera/core';
import type { ContainerModule } from 'inversify';
import { describe, expect, it } from 'vitest';
import { attentionChecks } from './conformance/attention-checks.js';
import { lossChecks } from './conformance/loss-checks.js';
import { normalizationChecks } from './conformance/normalization-checks.js';
import { optimizerChecks } from './conformance/optimizer-checks.js';
import { scheduleChecks } from './conformance/schedule-checks.js';

/** Per-plugin adjustments, keyed `'<kind>/<name>'`. */
export interface PluginOverride {
  /** Hyperparameters used by every check (default `{}`: the defaults). */
  params?: Record<string, unknown>;
  /** Inputs for the plugin (loss inputs, attention inputs, or the normalization input tensor); replaces the generated ones. */
  inputs?: () => unknown;
  /** Checks to skip, each with the reason (shown in the test name). */
  skip?: Record<string, string>;
  /** Schedules: the value may jump (piecewise-constant, restarts). */
  discontinuous?: boolean;
  /** Optimizers: learning rate and steps for the quadratic and Rosenbrock problems. */
  convergence?: { learningRate?: number; steps?: number; rosenbrockSteps?: number; rosenbrockLearningRate?: number };
  /** Schedules: horizon in steps over which values are checked (default 1000). */
  horizon?: number;
}

export interface ConformanceOptions {
  /** The plugin modules to check (core's module is added automatically). */
  modules: ContainerModule[];
  overrides?: Record<string, PluginOverride>;
}

/** What a kind-specific check suite receives. */
export interface CheckContext {
  registry: PluginRegistry;
  manifest: PluginManifest;
  override: PluginOverride;
  /** Builds an instance with the override's params. */
  create(): unknown;
  /** `it`, or `it.skip` with the reason when the override skips `check`. */
  test(check: string, fn: () => unknown | Promise<unknown>, timeout?: number): void;
}

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * The conformance suite: every plugin registered by `modules` is checked
 * automatically, by kind. Common to all: a valid manifest (kebab-case
 * name, one-line summary, every hyperparameter described), valid
 * defaults, unknown hyperparameters rejected with the closest name. Then:
 *
 * - loss / regularizer: scalar for mean/sum and `[N]` for none, finite,
 *   no tensor leak, finite gradient, deterministic, clear error on a missing input;
 * - optimizer: a `tf.Optimizer`, no tensor growth across steps, exact state
 *   round-trip through getWeights/setWeights, convergence on a quadratic and on Rosenbrock;
 * - schedule: finite, deterministic, non-negative, continuous (unless declared otherwise);
 * - normalization: shape kept, finite, no growth after build, finite gradient,
 *   deterministic inference, serialization round-trip;
 * - attention: shape, finite, no leak, finite gradients, masked keys ignored,
 *   a fully masked row gives zeros, `causal` equals the explicit causal mask.
 */
export function runConformance({ modules, overrides = {} }: ConformanceOptions): void {
  const registry = createRegistry(...modules);
  const known = new Set(registry.kinds().flatMap((k) => registry.list(k).map((m) => `${k}/${m.name}`)));
  describe('conformance', () => {
    it('every override names a registered plugin', () => {
      const unknown = Object.keys(overrides).filter((k) => !known.has(k));
      expect(unknown, `overrides for unregistered plugins: ${unknown.join(', ')}`).toEqual([]);
    });
    for (const kind of registry.kinds()) {
      for (const manifest of registry.list(kind)) {
        const override = overrides[`${kind}/${manifest.name}`] ?? {};
        const ctx: CheckContext = {
          registry,
          manifest,
          override,
          create: () => registry.create(kind, manifest.name, override.params ?? {}),
          test(check, fn, timeout) {
            const reason = override.skip?.[check];
            if (reason !== undefined) it.skip(`${check} (skipped: ${reason})`, () => {});
            else it(check, fn, timeout);
          },
        };
        describe(`${kind} ${manifest.name}`, () => {
          commonChecks(ctx, kind);
          if (kind === 'loss' || kind === 'regularizer') lossChecks(ctx);
          else if (kind === 'optimizer') optimizerChecks(ctx);
          else if (kind === 'schedule') scheduleChecks(ctx);
          else if (kind === 'normalization') normalizationChecks(ctx);
          else if (kind === 'attention') attentionChecks(ctx);
        });
      }
    }
  });
}

function commonChecks(ctx: CheckContext, kind: string): void {
  const { manifest, registry } = ctx;
  ctx.test('manifest is valid', () => {
    expect(manifest.kind).toBe(kind);
    expect(manifest.name).toMatch(KEBAB);
    for (const a of manifest.aliases ?? []) expect(a).toMatch(KEBAB);
    expect(manifest.summary.trim().length).toBeGreaterThan(0);
    expect(manifest.summary).not.toContain('\n');
    const d = registry.describe(kind, manifest.name);
    for (const p of d.params) expect(p.description, `hyperparameter "${p.name}" has no description`).toBeTruthy();
  });
  ctx.test('defaults are valid', () => {
    const before = tf.memory().numTensors;
    const instance = ctx.create();
    expect(instance).toBeTruthy();
    disposeInstance(instance);
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
  });
  ctx.test('unknown hyperparameters are rejected', () => {
    expect(() => registry.create(kind, manifest.name, { ...(ctx.override.params ?? {}), notAParameter: 1 })).toThrow(InvalidParamsError);
  });
}

/** Frees what an instance may hold (layers' weights, optimizers' state). */
export function disposeInstance(instance: unknown): void {
  const d = instance as { dispose?: () => unknown; built?: boolean };
  if (typeof d?.dispose !== 'function') return;
  try {
    // tfjs-layers throws when disposing a layer that was never built.
    if (d.built === false) return;
    d.dispose();
  } catch {
    /* nothing to free */
  }
}

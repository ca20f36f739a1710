import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { TesseraError } from '../errors.js';
import { chosenBackend, useBackend } from './use-backend.js';

describe('useBackend', () => {
  const original = chosenBackend()?.name ?? 'cpu';
  afterAll(async () => {
    await useBackend(original, { quiet: true });
  });

  it('activates cpu and wasm on request', async () => {
    expect((await useBackend('cpu', { quiet: true })).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect((await useBackend('wasm', { quiet: true })).name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const y = tf.matMul(tf.ones([2, 3]), tf.ones([3, 2]));
    expect(Array.from(await y.data())).toEqual([3, 3, 3, 3]);
    y.dispose();
  });

  it('picks the fastest available backend under "auto" and says why, once', async () => {
    const saved = process.env['TESSERA_BACKEND'];
    delete process.env['TESSERA_BACKEND'];
    try {
      const lines: string[] = [];
      const choice = await useBackend('auto', { log: (l) => lines.push(l) });
      let nodeInstalled = true;
      try {
        await import(/* @vite-ignore */ ['@tensorflow', 'tfjs-node'].join('/'));
      } catch {
        nodeInstalled = false;
      }
      expect(choice.name).toBe(nodeInstalled ? 'tensorflow' : 'wasm');
      expect(choice.reason).toMatch(nodeInstalled ? /tfjs-node is installed/ : /tfjs-node is not installed/);
      await useBackend('auto', { log: (l) => lines.push(l) });
      expect(lines.length).toBeLessThanOrEqual(1);
    } finally {
      if (saved !== undefined) process.env['TESSERA_BACKEND'] = saved;
    }
  });

  it('honours TESSERA_BACKEND under "auto"', async () => {
    const saved = process.env['TESSERA_BACKEND'];
    process.env['TESSERA_BACKEND'] = 'cpu';
    try {
      const choice = await useBackend('auto', { quiet: true });
      expect(choice).toEqual({ name: 'cpu', reason: 'forced by TESSERA_BACKEND' });
    } finally {
      if (saved === undefined) delete process.env['TESSERA_BACKEND'];
      else process.env['TESSERA_BACKEND'] = saved;
    }
  });

  it('explains how to get the native backend when tfjs-node is missing', async () => {
    let installed = true;
    try {
      await import(/* @vite-ignore */ ['@tensorflow', 'tfjs-node'].join('/'));
    } catch {
      installed = false;
    }
    if (installed) return;
    await expect(useBackend('tensorflow', { quiet: true })).rejects.toThrow(TesseraError);
    await expect(useBackend('tensorflow', { quiet: true })).rejects.toThrow('install @tensorflow/tfjs-node');
  });
});

import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { definePlugin, Sfc32Rng, z } from '@tessera/core';
import { dataFile } from './data-file.js';
import type { DatasetSource, LoadedData } from './types.js';

export const tinyShakespeareParams = z.strictObject({
  contextLength: z.int().min(2).max(256).default(32).describe('Characters per sample T.'),
  trainSamples: z.int().min(1).max(100_000).default(512).describe('Training windows drawn from the first 90 % of the text.'),
  validationSamples: z.int().min(1).max(10_000).default(64).describe('Validation windows drawn from the last 10 %.'),
  splitSeed: z.int().min(0).default(0).describe('Seed of the window positions (fixed across a sweep\'s seeds).'),
  file: z.string().optional().describe('Another UTF-8 text file to read instead of the shipped excerpt.'),
});

/** Characters, sorted, and the id of each. */
export function alphabet(text: string): { chars: string[]; ids: Map<string, number> } {
  const chars = [...new Set(text)].sort();
  return { chars, ids: new Map(chars.map((c, i) => [c, i])) };
}

/**
 * Next-character prediction on a shipped public-domain text (the opening of
 * Shakespeare's *Coriolanus*): x `[N, T]` int32 ids, y `[N, T]` the next id at
 * every position. The first 90 % of the text trains, the last 10 % validates.
 * Its loss inputs flatten y to `[N·T]` to match the model's `[N·T, V]` logits.
 */
export const tinyShakespeareDataset = definePlugin({
  kind: 'dataset',
  name: 'tiny-shakespeare',
  package: '@tessera/cli',
  summary: 'Character language modelling on a shipped public-domain Shakespeare excerpt; x, y [N, T] int32 (y shifted by one).',
  params: tinyShakespeareParams,
  create: (p): DatasetSource => ({
    load(): LoadedData {
      const text = fs.readFileSync(p.file ?? dataFile('tiny-shakespeare.txt'), 'utf8');
      const { chars, ids } = alphabet(text);
      const codes = Array.from(text, (c) => ids.get(c)!);
      const T = p.contextLength;
      const cut = Math.floor(codes.length * 0.9);
      const rng = new Sfc32Rng(p.splitSeed);
      const windows = (lo: number, hi: number, n: number) => {
        const xs: number[][] = [];
        const ys: number[][] = [];
        const span = hi - lo - T - 1;
        if (span < 1) throw new Error(`tiny-shakespeare: the text is too short for contextLength ${T}.`);
        for (let i = 0; i < n; i++) {
          const s = lo + Math.floor(rng.next() * span);
          xs.push(codes.slice(s, s + T));
          ys.push(codes.slice(s + 1, s + T + 1));
        }
        return { x: tf.tensor2d(xs, [n, T], 'int32'), y: tf.tensor2d(ys, [n, T], 'int32') };
      };
      const train = windows(0, cut, p.trainSamples);
      const validation = windows(cut, codes.length, p.validationSamples);
      return {
        train,
        validation,
        info: {
          vocabSize: chars.length,
          contextLength: T,
          description: `tiny-shakespeare: ${codes.length} characters, vocabulary ${chars.length}, ${p.trainSamples} × ${T} train / ${p.validationSamples} × ${T} validation`,
        },
        lossInputs: (output, batch, io) => ({
          ...(output instanceof tf.Tensor ? { [io.output]: output } : output),
          [io.target]: tf.reshape(batch.y!, [-1]),
        }),
        dispose: () => tf.dispose([train.x, train.y, validation.x, validation.y]),
      };
    },
  }),
});

import * as tf from '@tensorflow/tfjs-core';
import { fixtureTensor, fixtureValues, loadFixture, type FixtureTensor } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { mineHardNegatives } from './mine-hard-negatives.js';

type Case = { name: string; params: Record<string, number>; positives: number[][]; inputs: Record<string, FixtureTensor>; expected: Record<string, FixtureTensor> };
const fx = loadFixture<{ cases: Case[] }>(new URL('./__fixtures__/mine-hard-negatives.json', import.meta.url)).cases;

describe('mineHardNegatives (static miner over a corpus)', () => {
  for (const c of fx) {
    it(`matches sentence-transformers' mine_hard_negatives: ${c.name}`, async () => {
      const queries = fixtureTensor(c.inputs['queries']!);
      const corpus = fixtureTensor(c.inputs['corpus']!);
      const res = await mineHardNegatives({ queries, corpus, positives: c.positives, ...c.params, chunkSize: 4 });
      const valid = fixtureValues(c.expected['valid']!);
      const idx = fixtureValues(c.expected['indices']!);
      const sc = fixtureValues(c.expected['scores']!);
      const k = c.expected['valid']!.shape[1]!;
      expect(res.valid.flat()).toEqual(valid.map((v) => v === 1));
      res.indices.forEach((row, q) => row.forEach((j, t) => valid[q * k + t] && expect(j, `query ${q} slot ${t}`).toBe(idx[q * k + t])));
      res.scores.forEach((row, q) => row.forEach((s, t) => valid[q * k + t] && expect(s).toBeCloseTo(sc[q * k + t]!, 5)));
      expect(res.complete).toEqual(res.valid.map((r) => r.every(Boolean)));
      tf.dispose([queries, corpus]);
    });
  }

  it('random sampling draws K survivors, sorted by score, never a positive; deterministic by seed', async () => {
    const c = fx[0]!;
    const queries = fixtureTensor(c.inputs['queries']!);
    const corpus = fixtureTensor(c.inputs['corpus']!);
    const opts = { queries, corpus, positives: c.positives, numNegatives: 3, rangeMax: 15, samplingStrategy: 'random' as const, seed: 4 };
    const a = await mineHardNegatives(opts);
    const b = await mineHardNegatives(opts);
    expect(a).toEqual(b);
    a.indices.forEach((row, q) => {
      for (const j of row) expect(c.positives[q]).not.toContain(j);
      expect([...a.scores[q]!].sort((x, y) => y - x)).toEqual(a.scores[q]);
    });
    const before = tf.memory().numTensors;
    await mineHardNegatives(opts);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([queries, corpus]);
  });
});

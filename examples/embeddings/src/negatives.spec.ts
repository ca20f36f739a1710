// The negatives example in a shortened form: the same config, fewer pairs and steps.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runNegatives, type NegativesConfig } from './negatives.js';

const config = JSON.parse(fs.readFileSync(new URL('../negatives.json', import.meta.url), 'utf8')) as NegativesConfig & { data: object; train: object };
const short: NegativesConfig = { ...config, data: { ...config.data, trainPairs: 256 }, train: { ...config.train, epochs: 1, maxSteps: 4 } };

describe('examples/embeddings negatives.json (shortened)', () => {
  it('trains every configured run (in-batch, hard-negative miner, GISTEmbed filter) and reports recall@1', async () => {
    const lines: string[] = [];
    const results = await runNegatives(short, (l) => lines.push(l));
    expect(results.map((r) => r.label)).toEqual(config.runs.map((r) => r.label));
    for (const r of results) {
      expect(r.steps).toBe(4);
      expect(Number.isFinite(r.finalLoss)).toBe(true);
      // Above chance (1 in 10) even after 4 steps: pixels already cluster by digit.
      expect(r.recallAt1).toBeGreaterThan(0.3);
      expect(r.recallAt1).toBeLessThanOrEqual(1);
    }
    expect(lines.filter((l) => l.includes('recall@1'))).toHaveLength(results.length);
  }, 240_000);

  it('names an unknown miner with the closest known names', async () => {
    const bad: NegativesConfig = { ...short, runs: [{ label: 'typo', loss: { name: 'info-nce' }, miner: { name: 'hard-negatives' } }] };
    await expect(runNegatives(bad)).rejects.toThrow(/hard-negative/);
  });
});

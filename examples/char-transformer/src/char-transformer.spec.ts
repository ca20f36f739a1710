import { describe, expect, it } from 'vitest';
import { trainCharLm } from './train.js';

// A shortened run of the example (a few steps of a tiny model on the cpu backend):
// the attention variant is the one word that changes.
describe('examples/char-transformer', () => {
  for (const attention of ['softmax', 'sigmoid']) {
    it(`trains a character LM with attention: '${attention}' and the loss falls`, async () => {
      const r = await trainCharLm({ attention, steps: 30, seqLen: 16, dim: 16, numHeads: 2, numLayers: 1, batchSize: 8, learningRate: 1e-2, progress: false });
      expect(r.steps).toBe(30);
      expect(Number.isFinite(r.validationLoss)).toBe(true);
      expect(r.finalTrainLoss).toBeLessThan(r.firstLoss - 0.5);
      expect(r.finalTrainLoss).toBeLessThan(r.uniformLoss);
    }, 240_000);
  }
});

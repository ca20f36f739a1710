import { describe, expect, it } from 'vitest';
import { trainCharLm } from './train.js';

// A shortened run of the example (a few steps of a tiny model on the cpu backend):
// the attention variant is the one word that changes (and the normalization layer another).
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

  // the normalization layer is also one word: every block's two pre-norms and the final norm
  it(`trains with norm: 'rms-norm' (blocks and final norm) and the loss falls`, async () => {
    const r = await trainCharLm({ attention: 'softmax', norm: 'rms-norm', steps: 30, seqLen: 16, dim: 16, numHeads: 2, numLayers: 1, batchSize: 8, learningRate: 1e-2, progress: false });
    expect(r.norm).toBe('rms-norm');
    expect(r.steps).toBe(30);
    expect(Number.isFinite(r.validationLoss)).toBe(true);
    expect(r.finalTrainLoss).toBeLessThan(r.firstLoss - 0.5);
    expect(r.finalTrainLoss).toBeLessThan(r.uniformLoss);
  }, 240_000);

  it('threads the norm name into every block and the final norm', async () => {
    const { createRegistry } = await import('@tessera/core');
    const attention = (await import('@tessera/attention/module')).default;
    const normalization = (await import('@tessera/normalization/module')).default;
    const { CharTransformer } = await import('./model.js');
    const model = new CharTransformer({ vocabSize: 5, seqLen: 4, dim: 8, numHeads: 2, numLayers: 2, norm: 'rms-norm', registry: createRegistry(attention, normalization) });
    try {
      const names = (l: { getClassName(): string }) => l.getClassName();
      expect(model.blocks.flatMap((b) => [names(b.norm1), names(b.norm2)])).toEqual(new Array(4).fill(names(model.finalNorm)));
      expect(names(model.finalNorm)).toMatch(/rms/i);
    } finally {
      model.dispose();
    }
  });
});

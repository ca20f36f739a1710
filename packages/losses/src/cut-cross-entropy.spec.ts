import * as tf from '@tensorflow/tfjs-core';
import { expectNoLeak, expectTensorsClose } from '@tessera/testing';
import { describe, expect, it } from 'vitest';
import { crossEntropy } from './cross-entropy.js';
import { cutCrossEntropy } from './cut-cross-entropy.js';
import { fixtureSuite, randInt, randn, standardChecks } from './spec-harness.js';

const naive = (e: tf.Tensor, c: tf.Tensor, labels: tf.Tensor, reduction: 'mean' | 'sum' | 'none', softcap: number | null = null) => tf.tidy(() => {
  let logits = tf.matMul(e, tf.transpose(c));
  if (softcap !== null) logits = tf.mul(tf.tanh(tf.div(logits, softcap)), softcap);
  return crossEntropy.create().compute({ logits, labels }, { reduction });
});

describe('cut-cross-entropy', () => {
  fixtureSuite(cutCrossEntropy, 'cut-cross-entropy');
  standardChecks(cutCrossEntropy, {
    output: 'embeddings',
    make: (n) => ({ embeddings: randn([n, 4], n + 1), classifier: randn([7, 4], 3), labels: randInt(n, 7, n + 2) }),
    empty: 'zero',
    allIgnored: () => ({ embeddings: randn([3, 4], 1), classifier: randn([7, 4], 3), labels: tf.tensor1d([-100, -100, -100], 'int32') }),
    params: { chunkSize: 3 },
  });

  for (const [chunkSize, softcap] of [[1, null], [3, null], [5, 2.5], [64, null]] as const) {
    it(`equals the naive loss and its gradients within 1e-5 (chunkSize ${chunkSize}, softcap ${softcap})`, async () => {
      const e = randn([6, 5], 11, 2);
      const c = randn([13, 5], 12, 1);
      const labels = tf.tensor1d([0, 12, -100, 7, 3, 7], 'int32');
      const loss = cutCrossEntropy.create({ chunkSize, softcap });
      for (const reduction of ['mean', 'sum', 'none'] as const) {
        await expectNoLeak(() => {
          const f = (ee: tf.Tensor, cc: tf.Tensor) => tf.sum(loss.compute({ embeddings: ee, classifier: cc, labels }, { reduction })) as tf.Scalar;
          const g = (ee: tf.Tensor, cc: tf.Tensor) => tf.sum(naive(ee, cc, labels, reduction, softcap)) as tf.Scalar;
          const [ge, gc] = tf.grads(f)([e, c]);
          const [ne, nc] = tf.grads(g)([e, c]);
          const v = loss.compute({ embeddings: e, classifier: c, labels }, { reduction });
          const nv = naive(e, c, labels, reduction, softcap);
          expectTensorsClose(v, nv, { rtol: 1e-5, atol: 1e-5, name: 'value' });
          expectTensorsClose(ge!, ne!, { rtol: 1e-5, atol: 1e-5, name: 'd/de' });
          expectTensorsClose(gc!, nc!, { rtol: 1e-5, atol: 1e-5, name: 'd/dC' });
          tf.dispose([ge!, gc!, ne!, nc!, v, nv]);
        });
      }
    });
  }

  it('never holds an [N, V] tensor: peak memory of value + gradients stays below the logits size (naive exceeds it)', async () => {
    const n = 256;
    const v = 4096;
    const e = randn([n, 8], 1);
    const c = randn([v, 8], 2, 0.1);
    const labels = randInt(n, v, 3);
    const logitsBytes = n * v * 4;
    const run = async (f: (ee: tf.Tensor, cc: tf.Tensor) => tf.Scalar) => {
      const before = tf.memory().numBytes;
      const info = await tf.profile(() => {
        const [ge, gc] = tf.grads(f)([e, c]);
        tf.dispose([ge!, gc!]);
      });
      return { peakBytes: info.peakBytes - before };
    };
    const cce = cutCrossEntropy.create({ chunkSize: 256 });
    const chunked = await run((ee, cc) => cce.compute({ embeddings: ee, classifier: cc, labels }) as tf.Scalar);
    const full = await run((ee, cc) => naive(ee, cc, labels, 'mean') as tf.Scalar);
    expect(chunked.peakBytes).toBeLessThan(logitsBytes);
    expect(full.peakBytes).toBeGreaterThanOrEqual(logitsBytes);
  });
});

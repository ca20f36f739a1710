// One-off: cut-cross-entropy vs naive cross-entropy at the size (N=4096, D=256, V=32768), wasm.
import * as tf from '@tensorflow/tfjs-core';
import { createRegistry, useBackend } from '@tessera/core';
import losses from '@tessera/losses/module';
await useBackend(process.env.B ?? 'wasm');
const [N, D, V] = [4096, 256, 32768];
const r = createRegistry(losses);
const E = tf.variable(tf.randomUniform([N, D], -1, 1, 'float32', 1), true, 'E');
const C = tf.variable(tf.randomUniform([V, D], -0.1, 0.1, 'float32', 2), true, 'C');
const labels = tf.tensor1d(Int32Array.from({ length: N }, (_, i) => (i * 7919) % V), 'int32');
const cce = r.create('loss', 'cut-cross-entropy', process.env.CHUNK ? { chunkSize: Number(process.env.CHUNK) } : {});
const ce = r.create('loss', 'cross-entropy');
const io = cce.manifest.io; console.log('cce io', JSON.stringify(io));
const pass = (f) => () => { const { value, grads } = tf.variableGrads(f, [E, C]); return [value, grads.E, grads.C]; };
const which = (process.env.ONLY ?? 'cce,naive').split(',');
for (const [name, f] of [['cce', () => cce.compute({ embeddings: E, classifier: C, labels })], ['naive', () => ce.compute({ logits: tf.matMul(E, C, false, true), labels })]].filter(([n]) => which.includes(n))) {
  const live = tf.memory().numBytes;
  const t0 = performance.now();
  const info = await tf.profile(pass(f));
  const vals = await Promise.all(info.result.map((t) => t.data()));
  const ms = performance.now() - t0;
  console.log(JSON.stringify({ name, backend: tf.getBackend(), chunk: process.env.CHUNK ?? 'default', N, D, V, loss: vals[0][0], peakBytesAboveLive: info.peakBytes - live, peakMiB: ((info.peakBytes - live) / 2 ** 20).toFixed(1), ms: Math.round(ms) }));
  tf.dispose(info.result);
}

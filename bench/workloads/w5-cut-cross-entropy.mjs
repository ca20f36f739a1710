// W5: cut-cross-entropy against naive cross-entropy (logits = E·Cᵀ, then
// cross-entropy) at V = 32768: peak memory (tf.profile) and time of a
// forward + backward pass with respect to the embeddings and the classifier.
import * as tf from '@tensorflow/tfjs-core';
import { measure, profileAbove, uniform } from '../lib.mjs';

export const SIZES = { N: 512, D: 64, V: 32768 };

/** Builds the plugin's inputs from its declared fields (the classifier's field name is the plugin's choice). */
function cceInputs(manifest, E, C, labels) {
  const io = manifest.io ?? {};
  const fields = [...(io.required ?? []), ...(io.optional ?? [])];
  const inputs = { embeddings: E, labels };
  const classifierField = fields.find((f) => /classifier|weight|unembed|head|vocab/i.test(f) && f !== 'weights');
  inputs[classifierField ?? 'classifier'] = C;
  return inputs;
}

export async function run({ registry, backend, backendName }) {
  if (backendName === 'cpu' && process.env.BENCH_W5_CPU !== '1') {
    // Each forward + backward is three 1-GFLOP products in pure JavaScript: minutes per row.
    return [{ workload: `W5 cut-cross-entropy N=${SIZES.N} D=${SIZES.D} V=${SIZES.V}`, backend, error: 'skipped on cpu (minutes per pass); BENCH_W5_CPU=1 runs it' }];
  }
  const { N, D, V } = SIZES;
  const E = tf.variable(tf.tensor2d(uniform(N * D, 1, 501), [N, D]), true, 'w5_E');
  const C = tf.variable(tf.tensor2d(uniform(V * D, 0.1, 502), [V, D]), true, 'w5_C');
  const labels = tf.tensor1d(Int32Array.from({ length: N }, (_, i) => (i * 7919) % V), 'int32');
  const ce = registry.create('loss', 'cross-entropy');
  const naive = () => ce.compute({ logits: tf.matMul(E, C, false, true), labels });
  const hasCce = registry.list('loss').some((m) => m.name === 'cut-cross-entropy');

  const passOf = (f) => () => {
    const { value, grads } = tf.variableGrads(f, [E, C]);
    return [value, grads[E.name], grads[C.name]];
  };
  const profileOf = async (f) => {
    const info = await profileAbove(passOf(f));
    const values = await Promise.all(info.result.map((t) => t.data()));
    tf.dispose(info.result);
    return { peakBytes: info.peakBytes, loss: values[0][0] };
  };
  const timeOf = (f) =>
    measure(async () => {
      const r = passOf(f)();
      await r[0].data();
      tf.dispose(r);
    }, { warmup: 1, reps: 5 });

  const naiveMem = await profileOf(naive);
  const naiveTime = await timeOf(naive);
  const rows = [];
  const reference = {
    reference: 'naive cross-entropy (full logits)',
    referenceMsPerStep: naiveTime.msPerStep,
    referencePeakBytes: naiveMem.peakBytes,
  };
  if (!hasCce) {
    rows.push({ workload: `W5 cut-cross-entropy (N=${N}, D=${D}, V=${V})`, backend, error: 'cut-cross-entropy is not registered by @tessera/losses', ...reference, growthTensors: naiveTime.growthTensors, growthBytes: naiveTime.growthBytes });
  }
  // The default chunk size, and a smaller one (the memory/time trade-off the plugin exposes).
  for (const chunkSize of hasCce ? [undefined, 1024] : []) {
    const cce = registry.create('loss', 'cut-cross-entropy', chunkSize ? { chunkSize } : {});
    const cut = () => cce.compute(cceInputs(cce.manifest, E, C, labels));
    const cutMem = await profileOf(cut);
    const cutTime = await timeOf(cut);
    rows.push({
      workload: `W5 cut-cross-entropy${chunkSize ? ` chunkSize=${chunkSize}` : ' (default chunkSize)'} N=${N} D=${D} V=${V}`,
      backend,
      ...cutTime,
      peakBytes: cutMem.peakBytes,
      ...reference,
      ratio: cutTime.msPerStep / naiveTime.msPerStep,
      memoryReduction: naiveMem.peakBytes / cutMem.peakBytes,
      loss: cutMem.loss,
      referenceLoss: naiveMem.loss,
    });
  }
  tf.dispose([E, C, labels]);
  return rows;
}

// W6: every registered attention variant, causal self-attention, forward +
// backward with respect to q, k, v: time and peak memory over T, against
// softmax attention at the same T.
import * as tf from '@tensorflow/tfjs-core';
import { measure, profileAbove, uniform } from '../lib.mjs';

export const SHAPE = { B: 1, H: 4, Dh: 16 };
/** T values: BENCH_W6_T, else 64, 256, 1024 (64, 256 on the pure-JS cpu backend, to keep `pnpm bench` within minutes). */
function tValues(backendName) {
  return (process.env.BENCH_W6_T ?? (backendName === 'cpu' ? '64,256' : '64,256,1024')).split(',').map(Number);
}

export async function run({ registry, backend, backendName }) {
  const { B, H, Dh } = SHAPE;
  const variants = registry.list('attention').map((m) => m.name);
  const ordered = ['softmax', ...variants.filter((v) => v !== 'softmax').sort()];
  const rows = [];
  for (const T of tValues(backendName)) {
    const shape = [B, H, T, Dh];
    const size = B * H * T * Dh;
    const q = tf.tensor4d(uniform(size, 1, 601), shape);
    const k = tf.tensor4d(uniform(size, 1, 602), shape);
    const v = tf.tensor4d(uniform(size, 1, 603), shape);
    const dy = tf.tensor4d(uniform(size, 1, 604), shape);
    let softmaxMs;
    let softmaxPeak;
    for (const name of ordered) {
      const label = `W6 attention ${name} T=${T}`;
      try {
        const att = registry.create('attention', name);
        const pass = () =>
          tf.grads((qq, kk, vv) => tf.sum(tf.mul(att.apply({ query: qq, key: kk, value: vv, causal: true }), dy)))([q, k, v]);
        const info = await profileAbove(pass);
        tf.dispose(info.result);
        const m = await measure(async () => {
          const g = pass();
          await g[0].data();
          tf.dispose(g);
        }, { warmup: 1, reps: 5, warmupMs: 300 });
        if (name === 'softmax') {
          softmaxMs = m.msPerStep;
          softmaxPeak = info.peakBytes;
        }
        rows.push({
          workload: label,
          backend,
          ...m,
          peakBytes: info.peakBytes,
          reference: 'softmax attention',
          referenceMsPerStep: softmaxMs,
          referencePeakBytes: softmaxPeak,
          ratio: softmaxMs ? m.msPerStep / softmaxMs : undefined,
          twin: name === 'softmax' ? `w6:${T}` : undefined,
        });
      } catch (e) {
        rows.push({ workload: label, backend, error: String(e.message ?? e).slice(0, 300) });
      }
    }
    tf.dispose([q, k, v, dy]);
  }
  return rows;
}

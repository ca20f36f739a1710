// W2: character transformer — 2 pre-norm blocks, d=64, 4 heads, T=64, batch 16,
// AdamW, cross-entropy — built from Tessera's TransformerBlock (softmax
// attention, layer-norm plugins), trained on the sonnets of examples/char-transformer.
import * as tf from '@tensorflow/tfjs-core';
import { TransformerBlock } from '@tessera/attention';
import { exportForTwin, loadSonnets, measure, profileAbove, uniform } from '../lib.mjs';

export const CONFIG = { dim: 64, heads: 4, layers: 2, seqLen: 64, batch: 16, lr: 1e-3, weightDecay: 0.01 };

/**
 * Builds the model and sets every weight from the seeded generator, so the
 * weights are the same on every backend and in the PyTorch twin: matrices
 * uniform(±√(6/(fanIn+fanOut))), embeddings uniform(±0.1), norms' gain 1 and
 * all biases 0.
 */
export function buildTransformer(registry, vocabSize, cfg = CONFIG) {
  const { dim: D, seqLen: T } = cfg;
  const tokenEmbedding = tf.variable(tf.tensor2d(uniform(vocabSize * D, 0.1, 1), [vocabSize, D]), true, 'w2_tok');
  const positionEmbedding = tf.variable(tf.tensor2d(uniform(T * D, 0.1, 2), [T, D]), true, 'w2_pos');
  const blocks = Array.from({ length: cfg.layers }, (_, i) =>
    new TransformerBlock({ numHeads: cfg.heads, attention: 'softmax', norm: 'layer-norm', causal: true, layerIndex: i + 1, registry, name: `w2_block${i}` }),
  );
  const finalNorm = registry.create('normalization', 'layer-norm');
  const head = tf.variable(tf.tensor2d(uniform(D * vocabSize, Math.sqrt(6 / (D + vocabSize)), 3), [D, vocabSize]), true, 'w2_head');
  const headBias = tf.variable(tf.zeros([vocabSize]), true, 'w2_head_bias');
  const forward = (ids) => {
    const [B, TT] = ids.shape;
    let h = tf.add(tf.gather(tokenEmbedding, ids), tf.slice(positionEmbedding, [0, 0], [TT, D]));
    for (const block of blocks) h = block.apply(h, { training: true });
    h = finalNorm.apply(h, { training: true });
    return tf.add(tf.matMul(tf.reshape(h, [B * TT, D]), head), headBias);
  };
  tf.tidy(() => forward(tf.zeros([1, T], 'int32')));
  // Named parameters in a fixed order: [name, variable]. Block weights are named by their role.
  const named = [['tok', tokenEmbedding], ['pos', positionEmbedding]];
  blocks.forEach((b, i) => {
    for (const w of b.trainableWeights) {
      const role = w.name.split('/').pop().replace(/_\d+$/, '');
      const owner = w.name.includes('norm1') ? 'norm1' : w.name.includes('norm2') ? 'norm2' : w.name.includes('mha') ? 'mha' : 'ff';
      named.push([`block${i}.${owner}.${role}`, w.read()]);
    }
  });
  for (const w of finalNorm.trainableWeights) named.push([`final.${w.name.split('/').pop().replace(/_\d+$/, '')}`, w.read()]);
  named.push(['head', head], ['head_bias', headBias]);
  let seed = 10;
  for (const [name, v] of named) {
    if (name === 'tok' || name === 'pos' || name === 'head') continue;
    if (v.shape.length === 2) {
      const [fi, fo] = v.shape;
      v.assign(tf.tensor2d(uniform(fi * fo, Math.sqrt(6 / (fi + fo)), seed++), [fi, fo]));
    }
  }
  const vars = named.map(([, v]) => v);
  return {
    named,
    vars,
    forward,
    dispose: () => {
      tf.dispose([tokenEmbedding, positionEmbedding, head, headBias]);
      blocks.forEach((b) => b.dispose());
      finalNorm.dispose();
    },
  };
}

/** `count` batches of `batch` windows of T+1 characters at seeded offsets: x [B, T], y [B·T]. */
export function sonnetBatches(count, cfg = CONFIG) {
  const { ids, vocabSize } = loadSonnets();
  const { batch: B, seqLen: T } = cfg;
  let s = 12345;
  const batches = [];
  for (let k = 0; k < count; k++) {
    const x = new Int32Array(B * T);
    const y = new Int32Array(B * T);
    for (let b = 0; b < B; b++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const off = s % (ids.length - T - 1);
      x.set(ids.subarray(off, off + T), b * T);
      y.set(ids.subarray(off + 1, off + T + 1), b * T);
    }
    batches.push({ x: tf.tensor2d(x, [B, T], 'int32'), y: tf.tensor1d(y, 'int32') });
  }
  return { batches, vocabSize };
}

export async function run({ registry, backend, twinExport, label = 'W2 char-transformer', profile = false }) {
  const { batches, vocabSize } = sonnetBatches(8);
  const model = buildTransformer(registry, vocabSize);
  const ce = registry.create('loss', 'cross-entropy');
  const lossOf = (b) => ce.compute({ logits: model.forward(b.x), labels: b.y });
  const loss0 = tf.tidy(() => lossOf(batches[0]).dataSync()[0]);
  if (twinExport) {
    const tensors = Object.fromEntries(model.named);
    batches.forEach((b, i) => {
      tensors[`x${i}`] = b.x;
      tensors[`y${i}`] = b.y;
    });
    exportForTwin('w2.json', tensors, { ...CONFIG, vocabSize, batches: batches.length, params: model.named.map(([n]) => n), loss0 });
  }
  const opt = registry.create('optimizer', 'adamw', { learningRate: CONFIG.lr, weightDecay: CONFIG.weightDecay });
  const step = async (i) => {
    const loss = opt.minimize(() => lossOf(batches[i % batches.length]), true, model.vars);
    await loss.data();
    loss.dispose();
  };
  const m = await measure(step);
  // Peak memory and per-kernel time of one training step (tf.profile), for the README's before/after.
  let kernels;
  const info = await profileAbove(() => opt.minimize(() => lossOf(batches[0]), true, model.vars));
  if (profile) {
    const by = new Map();
    for (const k of info.kernels) {
      const kt = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      by.set(k.name, (by.get(k.name) ?? 0) + kt);
    }
    const total = [...by.values()].reduce((a, b) => a + b, 0);
    kernels = [...by.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([name, ms]) => ({ name, ms: +ms.toFixed(2), share: +(ms / total).toFixed(3) }));
  }
  tf.dispose(info.result);
  tf.dispose(batches.flatMap((b) => [b.x, b.y]));
  opt.dispose();
  model.dispose();
  const kernelCalls = info.kernels.length;
  const kernelMs = info.kernels.reduce((a, k) => a + (typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0), 0);
  return [{ workload: label, backend, ...m, peakBytes: info.peakBytes, kernelCalls, kernelMs, loss0, twin: 'w2', ...(kernels ? { kernels } : {}) }];
}

import * as tf from '@tensorflow/tfjs-core';
import { checkDim, requireInput, z } from '@tessera/core';
import { defineLoss } from './define-loss.js';
import { classLabels, sampleWeights } from './inputs.js';
import { reduceLoss } from './reduce.js';
import { customGrad } from './stop-gradient.js';

/** Logit soft-capping `s·tanh(x/s)` (identity when `s` is null). */
function cap(x: tf.Tensor, softcap: number | null): tf.Tensor {
  return softcap === null ? x : tf.mul(tf.tanh(tf.div(x, softcap)), softcap);
}

/** Rows `[v0, v0 + b)` of the classifier, transposed to `[D, b]` (an explicit transpose then a plain matMul is the fast path on wasm). */
function chunkT(c: tf.Tensor2D, v0: number, b: number): tf.Tensor2D {
  return tf.transpose(tf.slice(c, [v0, 0], [b, c.shape[1]])) as tf.Tensor2D;
}

/** One-hot rows `[N, b]` of the class ids that fall in `[v0, v0 + b)` (tf.oneHot needs depth ≥ 2). */
function oneHotChunk(labels: tf.Tensor, v0: number, b: number): tf.Tensor {
  const shifted = tf.sub(labels, tf.scalar(v0, 'int32'));
  if (b === 1) return tf.expandDims(tf.cast(tf.equal(shifted, tf.scalar(0, 'int32')), 'float32'), 1);
  return tf.cast(tf.oneHot(shifted, b), 'float32');
}

/**
 * Per-sample cross-entropy `LSE_v(e_i·c_v) − e_i·c_{y_i}` (masked by `valid`) with a custom gradient;
 * neither pass materialises the `[N, V]` logits: the forward streams vocabulary chunks with an
 * online log-sum-exp, the backward recomputes each chunk's logits from the saved `lse`.
 */
export function chunkedCrossEntropy(
  e: tf.Tensor2D,
  c: tf.Tensor2D,
  labels: tf.Tensor1D,
  valid: tf.Tensor1D,
  chunk: number,
  softcap: number | null,
): tf.Tensor1D {
  const v = c.shape[0];
  const n = e.shape[0];
  const f = customGrad<[tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]>((e_, c_, labels_, valid_, save) => {
    const E = e_ as tf.Tensor2D;
    const C = c_ as tf.Tensor2D;
    let m: tf.Tensor | null = null;
    let s: tf.Tensor | null = null;
    for (let v0 = 0; v0 < v; v0 += chunk) {
      const b = Math.min(chunk, v - v0);
      const next: tf.Tensor[] = tf.tidy(() => {
        const logits = cap(tf.matMul(E, chunkT(C, v0, b)), softcap);
        const cm = tf.max(logits, 1);
        const mNew = m ? tf.maximum(m, cm) : cm;
        const part = tf.sum(tf.exp(tf.sub(logits, tf.expandDims(mNew, 1))), 1);
        return [mNew, m && s ? tf.add(tf.mul(s, tf.exp(tf.sub(m, mNew))), part) : part];
      });
      tf.dispose([m, s].filter((t): t is tf.Tensor => t !== null));
      m = next[0]!;
      s = next[1]!;
    }
    const lse = m && s ? tf.add(m, tf.log(s)) : tf.zeros([n]);
    tf.dispose([m, s].filter((t): t is tf.Tensor => t !== null));
    const safe = tf.where(tf.greater(valid_, 0), labels_, tf.zerosLike(labels_));
    const target = cap(tf.sum(tf.mul(E, tf.gather(C, safe)), 1), softcap);
    const value = tf.mul(tf.sub(lse, target), valid_);
    save([E, C, lse, labels_, valid_]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [Es, Cs, lseS, labelsS, validS] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
        const scale = tf.expandDims(tf.mul(dy, validS), 1);
        let dE: tf.Tensor = tf.zerosLike(Es);
        const dC: tf.Tensor[] = [];
        for (let v0 = 0; v0 < v; v0 += chunk) {
          const b = Math.min(chunk, v - v0);
          const [dEn, dCk] = tf.tidy(() => {
            const chunkRows = tf.slice(Cs, [v0, 0], [b, Cs.shape[1]]);
            const raw = tf.matMul(Es, tf.transpose(chunkRows));
            const logits = cap(raw, softcap);
            const onehot = oneHotChunk(labelsS, v0, b);
            let g = tf.mul(tf.sub(tf.exp(tf.sub(logits, tf.expandDims(lseS, 1))), onehot), scale);
            if (softcap !== null) g = tf.mul(g, tf.sub(1, tf.square(tf.tanh(tf.div(raw, softcap)))));
            return [tf.add(dE, tf.matMul(g, chunkRows)), tf.matMul(tf.transpose(g), Es)];
          });
          dE.dispose();
          dE = dEn!;
          dC.push(dCk!);
        }
        const dCall = dC.length ? tf.concat(dC, 0) : tf.zerosLike(Cs);
        if (dC.length) tf.dispose(dC);
        return [dE, dCall, tf.zerosLike(labelsS), tf.zerosLike(validS)];
      },
    };
  });
  return f(e, c, labels, valid) as tf.Tensor1D;
}

/**
 * Cut cross-entropy (Wijmans et al. 2025): cross-entropy from embeddings and
 * a classifier without materialising the `[N, V]` logits.
 *
 * Notation: embeddings `e [N, D]`, classifier `C [V, D]` (input `classifier`),
 * class ids `y`, optional soft-cap `s` (`z ← s·tanh(z/s)`).
 * `ℓ_i = logSumExp_v(e_i·c_v) − e_i·c_{y_i}` for kept samples; equal to
 * `cross-entropy` on `e·Cᵀ`. The vocabulary is processed in chunks of
 * `chunkSize` rows: the forward keeps a running max and sum per row (online
 * log-sum-exp); the backward (`tf.customGrad`) recomputes each chunk's logits
 * from the saved log-sum-exp and accumulates `∂e = (P − Y)·C`, `∂C = (P − Y)ᵀ·e`.
 * Peak memory is `O(N·chunkSize)` instead of `O(N·V)`. Class ids outside `[0, V)` are treated as ignored. No gradient filtering
 * (the paper's filter skips blocks below bf16 precision; off here, so gradients are exact).
 *
 * @see https://arxiv.org/abs/2411.09009
 */
export const cutCrossEntropy = defineLoss({
  name: 'cut-cross-entropy',
  aliases: ['cce', 'linear-cross-entropy'],
  summary: 'Cross-entropy of embeddings × classifier computed in vocabulary chunks with a custom gradient, never building N×V logits.',
  paper: { title: 'Cut Your Losses in Large-Vocabulary Language Models', arxiv: '2411.09009', year: 2025 },
  io: { required: ['embeddings', 'classifier', 'labels'], optional: ['weights'], output: 'embeddings', target: 'labels' },
  params: z.strictObject({
    chunkSize: z.number().int().min(1).max(1 << 20).default(1024).describe('Vocabulary rows processed at once (memory O(N·chunkSize)).'),
    ignoreIndex: z.number().int().default(-100).describe('Samples whose class id equals this are ignored (zero loss and gradient, not counted in the mean).'),
    softcap: z.number().positive().max(1e6).nullable().default(null).describe('Logit soft-cap s: logits become s·tanh(logits/s); null = none.'),
  }),
  compute(p, inputs, reduction, label) {
    const e = requireInput(inputs, 'embeddings', label, { rank: 2, dtype: 'float32', describe: '[N, D] float32' }) as tf.Tensor2D;
    const [n, d] = e.shape;
    const c = requireInput(inputs, 'classifier', label, { rank: 2, dtype: 'float32', describe: `[V, D] float32 with D = ${d}` }) as tf.Tensor2D;
    checkDim(c, 1, d, 'classifier', 'D (the embedding size)', label);
    const labels = classLabels(inputs, label, n);
    const weights = sampleWeights(inputs, label, n);
    const valid = tf.cast(tf.logicalAnd(tf.notEqual(labels, p.ignoreIndex), tf.logicalAnd(tf.greaterEqual(labels, 0), tf.less(labels, c.shape[0]))), 'float32') as tf.Tensor1D;
    const per = chunkedCrossEntropy(e, c, labels, valid, p.chunkSize, p.softcap);
    return reduceLoss(per, reduction, { counts: valid, ...(weights ? { weights } : {}) });
  },
});

import * as tf from '@tensorflow/tfjs-core';
import { checkDim, checkSameShape, definePlugin, requireInput, z, type LossInputs, type Miner } from '@tessera/core';
import { candidatePool, topSurvivors } from './candidate-pool.js';
import { minedOutput } from './mined-output.js';
import { PACKAGE, cosineMatrix, detached, gatherRows } from './mining-utils.js';

/**
 * GISTEmbed's guide filter, as a miner: hard negatives chosen by the student,
 * false negatives removed by a frozen guide model.
 *
 * Notation: student anchors `a_i`, positives `p_i`, candidate pool `C` (the
 * other rows' positives, the other anchors, the given `negatives [N, Kc, D]`),
 * student cosine `s(·,·)`; the guide's embeddings of the same texts
 * (`guideEmbeddings`, `guidePositives`, `guideNegatives`, e.g. from a frozen
 * model passed to the trainer's `frozenModels`) and guide cosine `g(·,·)`;
 * threshold `t_i = g(a_i, p_i)`, margin `m`.
 * A candidate `c` is dropped for anchor `i` when
 * `g(a_i, c) > t_i − m` (absolute) or `g(a_i, c) > t_i·(1 − m)` (relative):
 * the guide rates it at least as similar as the positive, so it is likely a
 * false negative. Among the survivors, the `K = numNegatives` with the
 * largest student similarity `s(a_i, c)` become `negatives [N, K, D]`.
 *
 * Bug fixed from the reference (sentence-transformers `GISTEmbedLoss`): the
 * anchor itself (`AA[i,i]`) and its own positive are excluded explicitly; the
 * reference removes the self-similarity only through the guide
 * (`g(a_i,a_i) ≈ 1 > t_i − m`), which fails when `t_i ≥ 1 − m` (duplicate
 * anchor and positive). The comparison is strict (`>`), as in the code (the
 * docstring says "≥"): ties keep the candidate. `margin ∈ [0, 1)`; with the
 * relative strategy a negative `t_i` inverts the rule's meaning (documented,
 * not altered).
 *
 * Output fields as `hard-negative`: `negatives`, `negativeMask`,
 * `negativeIndices`, `weights`. For the full GISTEmbed loss (masking every
 * in-batch column) use the loss `gist-guided-info-nce` of `@tessera/losses`.
 *
 * @see https://arxiv.org/abs/2402.16829
 */
export const gistGuideFilter = definePlugin({
  kind: 'miner',
  name: 'gist-guide-filter',
  aliases: ['gist-miner'],
  summary: "Student-hard negatives whose false negatives are removed by a frozen guide model's similarities (GISTEmbed).",
  paper: { title: 'GISTEmbed: Guided In-sample Selection of Training Negatives for Text Embedding Fine-tuning', arxiv: '2402.16829', year: 2024 },
  package: PACKAGE,
  params: z.strictObject({
    numNegatives: z.number().int().min(1).max(1024).default(3).describe('Negatives K mined per anchor.'),
    marginStrategy: z.enum(['absolute', 'relative']).default('absolute').describe('Guide threshold: t − margin (absolute) or t·(1 − margin) (relative); GISTEmbed default absolute.'),
    margin: z.number().min(0).max(0.999).default(0).describe('Margin m of the guide filter (GISTEmbed default 0).'),
    inBatch: z.boolean().default(true).describe("Use the other rows' positives as candidates."),
    includeAnchors: z.boolean().default(true).describe("Use the other rows' anchors as candidates (GISTEmbed's AA block)."),
    dropIncomplete: z.boolean().default(true).describe('Weight 0 for anchors that found fewer than numNegatives negatives.'),
  }),
  create: (p, manifest): Miner => {
    const label = 'miner "gist-guide-filter"';
    return {
      manifest,
      mine(inputs: LossInputs): LossInputs {
        return tf.tidy(() => {
          const pool = candidatePool(inputs, label, { inBatch: p.inBatch, includeAnchors: p.includeAnchors });
          const ga = requireInput(inputs, 'guideEmbeddings', label, { rank: 2, dtype: 'float32', describe: '[N, D_guide] float32' }) as tf.Tensor2D;
          checkDim(ga, 0, pool.n, 'guideEmbeddings', 'N', label);
          const gp = requireInput(inputs, 'guidePositives', label, { rank: 2, dtype: 'float32', describe: '[N, D_guide] float32' }) as tf.Tensor2D;
          checkSameShape(gp, ga, 'guidePositives', 'guideEmbeddings', label);
          const parts: tf.Tensor2D[] = [];
          for (const b of pool.blocks) {
            if (b.name === 'positives') parts.push(gp);
            else if (b.name === 'anchors') parts.push(ga);
            else {
              const gn = requireInput(inputs, 'guideNegatives', label, { rank: [2, 3], dtype: 'float32', describe: '[N, Kc, D_guide] (negatives were given)' });
              const flat = tf.reshape(gn, [-1, ga.shape[1]]) as tf.Tensor2D;
              if (flat.shape[0] !== b.rows) checkDim(gn, 1, b.rows / pool.n, 'guideNegatives', 'Kc', label);
              parts.push(flat);
            }
          }
          const gpool = parts.length === 1 ? parts[0]! : (tf.concat(parts, 0) as tf.Tensor2D);
          const kept = detached([pool.a, pool.pool, ga, gp, gpool], (a, c, gA, gP, gC) => {
            const t = tf.sum(tf.mul(cosineMatrix(gA!, gP!), tf.eye(pool.n)), 1, true);
            const limit = p.marginStrategy === 'absolute' ? tf.sub(t, p.margin) : tf.mul(t, 1 - p.margin);
            const keep = tf.logicalAnd(tf.logicalNot(pool.exclude), tf.logicalNot(tf.greater(cosineMatrix(gA!, gC!), limit)));
            const { indices, valid } = topSurvivors(cosineMatrix(a!, c!), keep as tf.Tensor2D, p.numNegatives, 0, null);
            return tf.stack([indices, tf.cast(valid, 'int32')]);
          });
          const [indices, valid] = tf.unstack(kept) as [tf.Tensor2D, tf.Tensor2D];
          const ok = tf.cast(valid, 'bool') as tf.Tensor2D;
          // The guide's view of the mined negatives, so a guided loss downstream sees matching shapes.
          const guideNegatives = tf.where(tf.expandDims(ok, 2), gatherRows(gpool, indices), tf.zeros([pool.n, p.numNegatives, ga.shape[1]]));
          return minedOutput(inputs, label, pool.pool, indices, ok, p.dropIncomplete, { guideNegatives });
        }) as LossInputs;
      },
    };
  },
});

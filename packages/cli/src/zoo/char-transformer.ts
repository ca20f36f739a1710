import * as tf from '@tensorflow/tfjs-core';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { TesseraError, definePlugin, z, type Attention, type TrainableModel } from '@tessera/core';
import type { ModelFactory } from './types.js';

export const charTransformerParams = z.strictObject({
  dModel: z.int().min(4).max(1024).default(32).describe('Model width d.'),
  numHeads: z.int().min(1).max(64).default(2).describe('Attention heads H (d must be divisible by H).'),
  numLayers: z.int().min(1).max(24).default(1).describe('Transformer blocks.'),
  ffMultiplier: z.int().min(1).max(8).default(4).describe('Width of the feed-forward layer as a multiple of d.'),
  initStd: z.number().positive().max(1).default(0.02).describe('Standard deviation of the normal initialisation (GPT-2: 0.02).'),
});

/** A norm layer as the registry builds it: a `tf.layers.Layer` applied eagerly. */
interface NormLayerLike {
  apply(x: tf.Tensor, kwargs?: { training?: boolean }): tf.Tensor | tf.Tensor[];
  readonly trainableWeights: LayerVariable[];
  readonly nonTrainableWeights: LayerVariable[];
}

/** Attention variants of @tessera/attention may declare learnable tensors (cosine's scale). */
interface WeightSpec {
  readonly name: string;
  shape(numHeads: number): number[];
  readonly init: number;
}

let instances = 0;

/**
 * A pre-norm character transformer language model (GPT-style), written with
 * tfjs-core ops so that its norm and attention are whatever plugins the config
 * names:
 *
 *   h⁰ = E[x] + P;  hˡ⁺¹ = hˡ + Wₒ·attn(norm₁(hˡ)) ;  hˡ⁺¹ += W₂·relu(W₁·norm₂(hˡ⁺¹) + b₁) + b₂
 *   logits = norm_f(hᴸ)·W_out   (`[B·T, V]`, one row per position)
 *
 * x `[B, T]` int32 character ids; attention is causal. Initial weights are
 * seeded normals (std `initStd`, GPT-2), so a seed fixes the whole run.
 *
 * Notes: untied input/output embeddings and learned positions (GPT-2 ties them and adds dropout;
 * neither here, the example is tiny). Biases only in the feed-forward layers.
 *
 * @see https://arxiv.org/abs/1706.03762
 */
export const charTransformerModel = definePlugin({
  kind: 'model',
  name: 'char-transformer',
  package: '@tessera/cli',
  summary: 'Pre-norm causal character transformer (GPT-style) whose norm and attention are the config\'s plugins; logits [B·T, V].',
  paper: { title: 'Attention Is All You Need', arxiv: '1706.03762', year: 2017 },
  params: charTransformerParams,
  create: (p): ModelFactory => ({
    uses: ['norm', 'attention'],
    build({ info, seed, registry, norm, attention }) {
      const V = info.vocabSize;
      const T = info.contextLength;
      if (!V || !T) throw new TesseraError('model "char-transformer" needs a character dataset (e.g. "tiny-shakespeare").');
      const d = p.dModel;
      const H = p.numHeads;
      if (d % H !== 0) throw new TesseraError(`model "char-transformer": dModel ${d} is not divisible by numHeads ${H}.`);
      const Dh = d / H;
      const F = p.ffMultiplier * d;
      const id = ++instances;
      const vars: tf.Variable[] = [];
      let k = 0;
      const param = (name: string, shape: number[], kind: 'normal' | 'zeros' | number = 'normal') => {
        k += 1;
        const init =
          kind === 'normal' ? tf.randomNormal(shape, 0, p.initStd, 'float32', seed * 1000 + k) : kind === 'zeros' ? tf.zeros(shape) : tf.fill(shape, kind);
        const v = tf.variable(init, true, `char-transformer${id}/${name}`);
        init.dispose();
        vars.push(v);
        return v;
      };
      const normRef = norm ?? { name: 'layer-norm', params: {} };
      const attnRef = attention ?? { name: 'softmax', params: {} };
      const makeNorm = () => registry.create('normalization', normRef.name, normRef.params) as unknown as NormLayerLike;

      const tok = param('tok', [V, d]);
      const pos = param('pos', [T, d]);
      const blocks = Array.from({ length: p.numLayers }, (_, l) => {
        const attn = registry.create('attention', attnRef.name, attnRef.params) as Attention & { weightSpecs?: readonly WeightSpec[] };
        const attnWeights = Object.fromEntries((attn.weightSpecs ?? []).map((s) => [s.name, param(`l${l}/attn/${s.name}`, s.shape(H), s.init)]));
        return {
          norm1: makeNorm(),
          wq: param(`l${l}/wq`, [d, d]),
          wk: param(`l${l}/wk`, [d, d]),
          wv: param(`l${l}/wv`, [d, d]),
          wo: param(`l${l}/wo`, [d, d]),
          norm2: makeNorm(),
          w1: param(`l${l}/w1`, [d, F]),
          b1: param(`l${l}/b1`, [F], 'zeros'),
          w2: param(`l${l}/w2`, [F, d]),
          b2: param(`l${l}/b2`, [d], 'zeros'),
          attn,
          attnWeights,
        };
      });
      const normF = makeNorm();
      const head = param('head', [d, V]);
      const norms = [...blocks.flatMap((b) => [b.norm1, b.norm2]), normF];
      const applyNorm = (layer: NormLayerLike, x: tf.Tensor, training: boolean) => layer.apply(x, { training }) as tf.Tensor;
      // Build the norm layers' weights (created on first call).
      tf.tidy(() => norms.forEach((n) => applyNorm(n, tf.zeros([2, d]), false)));
      const normTrainable = norms.flatMap((n) => n.trainableWeights.map((w) => w.read() as tf.Variable));
      const normState = norms.flatMap((n) => n.nonTrainableWeights.map((w) => w.read() as tf.Variable));

      const heads = (x2d: tf.Tensor, B: number, Tn: number) => tf.transpose(tf.reshape(x2d, [B, Tn, H, Dh]), [0, 2, 1, 3]);
      const model: TrainableModel = {
        trainableVariables: [...vars, ...normTrainable],
        stateVariables: normState,
        forward(x, { training }) {
          const ids = x as tf.Tensor;
          if (!(ids instanceof tf.Tensor) || ids.rank !== 2) throw new TesseraError('char-transformer: x must be [B, T] int32 character ids.');
          const [B, Tn] = ids.shape as [number, number];
          if (Tn > T) throw new TesseraError(`char-transformer: sequence length ${Tn} exceeds the context length ${T}.`);
          const emb = tf.gather(tok, tf.reshape(tf.cast(ids, 'int32'), [-1]));
          const posT = Tn === T ? pos : tf.slice(pos, [0, 0], [Tn, d]);
          let h = tf.reshape(tf.add(tf.reshape(emb, [B, Tn, d]), posT), [B * Tn, d]);
          for (const b of blocks) {
            const a = applyNorm(b.norm1, h, training);
            const o = b.attn.apply({
              query: heads(tf.matMul(a, b.wq), B, Tn),
              key: heads(tf.matMul(a, b.wk), B, Tn),
              value: heads(tf.matMul(a, b.wv), B, Tn),
              causal: true,
              ...(Object.keys(b.attnWeights).length ? { weights: b.attnWeights } : {}),
            } as Parameters<Attention['apply']>[0]);
            const merged = tf.reshape(tf.transpose(o, [0, 2, 1, 3]), [B * Tn, d]);
            h = tf.add(h, tf.matMul(merged, b.wo));
            const m = applyNorm(b.norm2, h, training);
            h = tf.add(h, tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(m, b.w1), b.b1)), b.w2), b.b2));
          }
          return tf.matMul(applyNorm(normF, h, training), head);
        },
      };
      return model;
    },
  }),
});

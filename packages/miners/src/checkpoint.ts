import * as tf from '@tensorflow/tfjs-core';
import { FileCheckpointStore, definePlugin, z, type Callback, type CheckpointStore, type SerializedTensor, type TrainerContext } from '@tessera/core';
import { PACKAGE } from './mining-utils.js';
import { improves, monitorParams, resolveMode } from './monitor.js';

async function serialize(t: tf.Tensor): Promise<SerializedTensor> {
  const values = Float32Array.from((await t.data()) as Float32Array);
  return { dtype: 'float32', shape: t.shape, values };
}

/** Reads weights saved by the `checkpoint` callback back into variables (by position; shapes checked). */
export async function loadWeights(file: string, variables: readonly tf.Variable[], store: CheckpointStore = new FileCheckpointStore()): Promise<Record<string, unknown>> {
  const data = await store.load(file);
  const n = Object.keys(data.tensors).filter((k) => k.startsWith('weights/')).length;
  if (n !== variables.length) throw new RangeError(`checkpoint: ${file} holds ${n} variables, the model has ${variables.length}.`);
  variables.forEach((v, i) => {
    const s = data.tensors[`weights/${i}`]!;
    if (s.shape.length !== v.shape.length || s.shape.some((d, j) => d !== v.shape[j])) throw new RangeError(`checkpoint: variable ${i} has shape [${s.shape.join(', ')}], ${v.name} has [${v.shape.join(', ')}].`);
    tf.tidy(() => v.assign(tf.tensor(s.values, [...s.shape], 'float32')));
  });
  return data.meta;
}

/**
 * Saves the model's weights during training (Keras `ModelCheckpoint`,
 * `save_weights_only`): at every epoch end, or every `saveFreq` steps; with
 * `saveBestOnly`, only when the monitored metric improves on the best so far.
 * Files are core's atomic checkpoint format (`<dir>/ckpt-<step>.tsr` and a
 * `latest` pointer), read back with {@link loadWeights}. This is independent
 * of the trainer's own resumable checkpoints (`fit({ checkpoint })`, which
 * also hold the optimizer and plugin state): it keeps the weights a user ships.
 *
 * @see https://keras.io/api/callbacks/model_checkpoint/
 */
export const checkpoint = definePlugin({
  kind: 'callback',
  name: 'checkpoint',
  aliases: ['model-checkpoint'],
  summary: 'Saves model weights every epoch or every N steps, or only when a monitored metric improves (Keras ModelCheckpoint).',
  package: PACKAGE,
  params: z.strictObject({
    dir: z.string().min(1).max(4096).default('checkpoints/weights').describe('Folder the weight files are written to.'),
    ...monitorParams,
    saveBestOnly: z.boolean().default(false).describe('Write only when the monitored metric improves (Keras save_best_only).'),
    saveFreq: z.union([z.literal('epoch'), z.number().int().min(1).max(1e9)]).default('epoch').describe('"epoch", or save every this many optimizer steps (Keras save_freq).'),
    keep: z.number().int().min(1).max(1e6).default(3).describe('Newest files kept in dir.'),
  }),
  create: (p, manifest): Callback & { readonly saved: readonly string[]; readonly best: number } => {
    const mode = resolveMode(p.mode, p.monitor);
    const store = new FileCheckpointStore(p.keep);
    const saved: string[] = [];
    let best = mode === 'min' ? Infinity : -Infinity;
    const save = async (ctx: TrainerContext, logs: Record<string, number>) => {
      if (p.saveBestOnly) {
        const v = logs[p.monitor];
        if (v === undefined || !improves(mode, v, best)) return;
        best = v;
      }
      const tensors: Record<string, SerializedTensor> = {};
      const vars = ctx.model.trainableVariables;
      for (let i = 0; i < vars.length; i++) tensors[`weights/${i}`] = await serialize(vars[i]!);
      const meta = { epoch: ctx.epoch, step: ctx.step, logs: { ...logs }, variables: vars.map((v) => ({ name: v.name, shape: v.shape })) };
      saved.push(await store.save(p.dir, { step: ctx.step, tensors, meta }));
    };
    return {
      manifest,
      stateKey: `callback:checkpoint:${p.dir}`,
      saved,
      get best() {
        return best;
      },
      async onEpochEnd(ctx, logs) {
        if (p.saveFreq === 'epoch') await save(ctx, logs);
      },
      async afterStep(ctx, logs) {
        if (p.saveFreq !== 'epoch' && ctx.step % p.saveFreq === 0) await save(ctx, { ...ctx.logs, ...logs });
      },
      getState: () => ({ best: tf.scalar(best) }),
      setState(state) {
        const v = state['best']?.dataSync()[0];
        if (v !== undefined) best = v;
      },
    };
  },
});

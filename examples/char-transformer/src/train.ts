import * as tf from '@tensorflow/tfjs-core';
import { createContainer, PluginRegistryToken, TrainerToken } from '@tessera/core';
import attentionModule from '@tessera/attention/module';
import losses from '@tessera/losses/module';
import normalization from '@tessera/normalization/module';
import optimizers from '@tessera/optimizers/module';
import { loadCharData } from './data.js';
import { CharTransformer } from './model.js';

export interface TrainOptions {
  /** The attention variant — the one word to change: 'softmax', 'sigmoid', … */
  attention: string;
  /** The normalization layer (blocks and final norm) — also one word: 'layer-norm' (default), 'rms-norm', … */
  norm?: string;
  steps?: number;
  seqLen?: number;
  dim?: number;
  numHeads?: number;
  numLayers?: number;
  batchSize?: number;
  learningRate?: number;
  seed?: number;
  text?: string;
  progress?: boolean;
}

export interface TrainReport {
  attention: string;
  norm: string;
  steps: number;
  /** Cross-entropy (nats per character) of the first and last training steps. */
  firstLoss: number;
  finalTrainLoss: number;
  /** Held-out cross-entropy after training. */
  validationLoss: number;
  /** ln(vocabulary size): the loss of a uniform guess. */
  uniformLoss: number;
  seconds: number;
  backend: string;
}

/** Trains the character LM with the given attention variant and normalization layer and reports its losses. */
export async function trainCharLm(opts: TrainOptions): Promise<TrainReport> {
  const { attention, norm = 'layer-norm', steps = 200, seqLen = 48, dim = 64, numHeads = 4, numLayers = 2, batchSize = 16, learningRate = 3e-3, seed = 0 } = opts;
  const container = createContainer(attentionModule, normalization, losses, optimizers);
  const registry = container.get(PluginRegistryToken);
  const trainer = container.get(TrainerToken);
  const data = loadCharData({ seqLen, ...(opts.text ? { text: opts.text } : {}) });
  const model = new CharTransformer({ vocabSize: data.vocab.length, seqLen, dim, numHeads, numLayers, attention, norm, registry, seed: seed + 1 });
  const started = Date.now();
  try {
    const result = await trainer.fit({
      model,
      data: data.train,
      loss: 'cross-entropy',
      lossInputs: (logits, batch) => ({ logits: logits as tf.Tensor, labels: tf.reshape(batch.y!, [-1]) }),
      optimizer: { name: 'adamw', params: { learningRate, weightDecay: 0.01 } },
      epochs: 1000,
      maxSteps: steps,
      batchSize,
      seed,
      progress: opts.progress === false ? false : `char-lm ${attention} ${norm}`,
    });
    // held-out cross-entropy of the trained model (nats per character)
    const validationLoss = tf.tidy(() => {
      const ce = registry.create('loss', 'cross-entropy');
      const logits = model.forward(data.validation.x, { training: false });
      return ce.compute({ logits, labels: tf.reshape(data.validation.y, [-1]) }).dataSync()[0]!;
    });
    return {
      attention,
      norm,
      steps: result.steps,
      firstLoss: result.history[0]?.loss ?? Number.NaN,
      finalTrainLoss: result.final['loss'] ?? Number.NaN,
      validationLoss,
      uniformLoss: Math.log(data.vocab.length),
      seconds: (Date.now() - started) / 1000,
      backend: result.backend,
    };
  } finally {
    model.dispose();
    tf.dispose([data.train.x, data.train.y, data.validation.x, data.validation.y]);
  }
}

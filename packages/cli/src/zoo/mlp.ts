import * as tfl from '@tensorflow/tfjs-layers';
import { TesseraError, definePlugin, z } from '@tessera/core';
import type { BuiltModel, ModelFactory } from './types.js';

export const mlpParams = z.strictObject({
  hidden: z.int().min(1).max(4096).default(128).describe('Units of each hidden layer.'),
  layers: z.int().min(1).max(8).default(2).describe('Number of hidden layers.'),
  activation: z.enum(['relu', 'tanh', 'elu', 'selu', 'sigmoid']).default('relu').describe('Activation after each hidden layer (and after its norm).'),
});

/**
 * A multilayer perceptron `F → hidden × layers → C` as a `tf.Sequential`, with
 * seeded Glorot-uniform kernels (the same weights for the same seed). With a
 * `norm` in the config, that normalization plugin's layer follows every hidden
 * dense layer (dense → norm → activation).
 */
export const mlpModel = definePlugin({
  kind: 'model',
  name: 'mlp',
  package: '@tessera/cli',
  summary: 'Multilayer perceptron (tf.Sequential) for [N, F] inputs and C classes; optional norm plugin after each hidden layer.',
  params: mlpParams,
  create: (p): ModelFactory => ({
    uses: ['norm'],
    build({ info, seed, registry, norm }) {
      if (!info.features || !info.numClasses) throw new TesseraError('model "mlp" needs a dataset with flat features and classes (e.g. "digits").');
      const init = (s: number) => tfl.initializers.glorotUniform({ seed: seed * 100 + s });
      const layers: tfl.layers.Layer[] = [];
      for (let i = 0; i < p.layers; i++) {
        layers.push(
          tfl.layers.dense({
            units: p.hidden,
            ...(i === 0 ? { inputShape: [info.features] } : {}),
            kernelInitializer: init(i + 1),
            ...(norm ? {} : { activation: p.activation }),
          }),
        );
        if (norm) {
          layers.push(registry.create('normalization', norm.name, norm.params) as tfl.layers.Layer);
          layers.push(tfl.layers.activation({ activation: p.activation }));
        }
      }
      layers.push(tfl.layers.dense({ units: info.numClasses, kernelInitializer: init(p.layers + 1) }));
      // LayerVariable.read() is typed as Tensor; it returns the tf.Variable the trainer updates.
      return tfl.sequential({ layers }) as unknown as BuiltModel;
    },
  }),
});

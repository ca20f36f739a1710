import * as tf from '@tensorflow/tfjs-core';
import { runConformance } from '@tessera/testing';
import pluginsModule from './module.js';

const N = 6;
const multiHot = () => tf.tensor2d(Array.from({ length: N * 5 }, (_, i) => (i % 3 === 0 ? 1 : 0)), [N, 5]);
const logits = (c = 5, seed = 1) => tf.randomNormal([N, c], 0, 2, 'float32', seed);

runConformance({
  modules: [pluginsModule],
  overrides: {
    // labels are float targets of the logits' shape (multi-label), not class ids
    'loss/binary-cross-entropy': { inputs: () => ({ logits: logits(), labels: multiHot() }) },
    'loss/sigmoid-focal': { inputs: () => ({ logits: logits(), labels: multiHot() }) },
    'loss/gaussian-nll': {
      inputs: () => ({ predictions: tf.randomNormal([N, 3], 0, 1, 'float32', 1), targets: tf.randomNormal([N, 3], 0, 1, 'float32', 2), variance: tf.randomUniform([N, 3], 0.1, 2, 'float32', 3) }),
    },
    // regression targets [N] for the histogram losses
    'loss/hl-gauss': { inputs: () => ({ logits: logits(), targets: tf.randomUniform([N], -1.2, 1.2, 'float32', 4) }) },
    'loss/two-hot': { inputs: () => ({ logits: logits(), targets: tf.randomUniform([N], -1.2, 1.2, 'float32', 5) }) },
    'regularizer/attention-entropy': { inputs: () => ({ attention: tf.softmax(tf.randomNormal([N, 2, 4, 4], 0, 1, 'float32', 6)) }) },
    'loss/cut-cross-entropy': {
      params: { chunkSize: 3 },
      inputs: () => ({ embeddings: tf.randomNormal([N, 8], 0, 1, 'float32', 1), classifier: tf.randomNormal([7, 8], 0, 1, 'float32', 2), labels: tf.tensor1d([0, 1, 2, 3, 4, 6], 'int32') }),
    },
    'loss/normalized-softmax': { inputs: () => ({ embeddings: tf.randomNormal([N, 8], 0, 1, 'float32', 1), classifier: tf.randomNormal([5, 8], 0, 1, 'float32', 2), labels: tf.tensor1d([0, 1, 2, 3, 4, 1], 'int32') }) },
    // binary logits [N]
    'loss/anyloss': { inputs: () => ({ logits: tf.randomNormal([N], 0, 0.1, 'float32', 1), labels: tf.tensor1d([1, 0, 1, 1, 0, 0]) }) },
    // token logits [N, T, V] and target tokens [N, T]
    'loss/dco-pass-at-n': { inputs: () => ({ logits: tf.randomNormal([N, 3, 5], 0, 1, 'float32', 1), labels: tf.tensor2d(Array.from({ length: N * 3 }, (_, i) => i % 5), [N, 3], 'int32') }) },
    'loss/bag-instance': {
      inputs: () => ({ predictions: tf.randomNormal([N], 0, 1, 'float32', 1), targets: tf.tensor1d([1, 1, 0.5, 0.5, 0.5, -1]), bagIds: tf.tensor1d([0, 0, 1, 1, 1, 2], 'int32') }),
    },
    'loss/bias-loss': { inputs: () => ({ logits: logits(), labels: tf.tensor1d([0, 1, 2, 3, 4, 1], 'int32'), features: tf.randomNormal([N, 4, 3], 0, 1, 'float32', 7) }) },
    // labels (noisy-label form); the teacher form is covered by its spec
    'loss/symmetric-cross-entropy': { inputs: () => ({ logits: logits(), labels: tf.tensor1d([0, 1, 2, 3, 4, 1], 'int32') }) },
    // the frozen guide model's embeddings (another dimension)
    'loss/gist-guided-info-nce': {
      inputs: () => ({
        embeddings: tf.randomNormal([N, 8], 0, 1, 'float32', 1),
        positives: tf.randomNormal([N, 8], 0, 1, 'float32', 2),
        guideEmbeddings: tf.randomNormal([N, 4], 0, 1, 'float32', 3),
        guidePositives: tf.randomNormal([N, 4], 0, 1, 'float32', 4),
      }),
    },
  },
});

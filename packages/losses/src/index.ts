/**
 * @tessera/losses — loss and regularizer plugins for Tessera, each checked
 * against PyTorch or the paper's official code.
 */
export { default as lossesModule } from './module.js';
export { allPlugins } from './plugins.js';
export { reduceLoss, reduceElementwise, safeDenominator, REDUCTIONS } from './reduce.js';
export { defineLoss, PACKAGE } from './define-loss.js';
export { crossEntropy } from './cross-entropy.js';
export { mse } from './mse.js';

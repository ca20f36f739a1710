/**
 * @tessera/losses — loss and regularizer plugins for Tessera, each checked
 * against PyTorch or the paper's official code.
 */
export { default as lossesModule } from './module.js';
export { allPlugins } from './plugins.js';
export { reduceLoss, reduceElementwise, safeDenominator, REDUCTIONS } from './reduce.js';
export { defineLoss, defineElementwise, PACKAGE } from './define-loss.js';
export { stopGradient, detachedMask } from './stop-gradient.js';
// plugins (generated)
export { activePassive } from './active-passive.js';
export { binaryCrossEntropy } from './binary-cross-entropy.js';
export { compSum } from './comp-sum.js';
export { crossEntropy } from './cross-entropy.js';
export { focal } from './focal.js';
export { generalizedCrossEntropy } from './generalized-cross-entropy.js';
export { huber } from './huber.js';
export { jsDivergence } from './js-divergence.js';
export { klDivergence } from './kl-divergence.js';
export { l1 } from './l1.js';
export { ldrKl } from './ldr-kl.js';
export { logCosh } from './log-cosh.js';
export { maeNoisy } from './mae-noisy.js';
export { mse } from './mse.js';
export { multiMargin } from './multi-margin.js';
export { normalizedCrossEntropy } from './normalized-cross-entropy.js';
export { normalizedFocal } from './normalized-focal.js';
export { poly1Focal } from './poly1-focal.js';
export { poly1 } from './poly1.js';
export { reverseCrossEntropy } from './reverse-cross-entropy.js';
export { reverseKl } from './reverse-kl.js';
export { smoothL1 } from './smooth-l1.js';
export { squaredHinge } from './squared-hinge.js';
export { stablemaxCrossEntropy } from './stablemax-cross-entropy.js';
export { symmetricCrossEntropy } from './symmetric-cross-entropy.js';
export { zLoss } from './z-loss.js';

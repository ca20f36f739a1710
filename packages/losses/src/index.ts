/**
 * @tessera/losses — loss and regularizer plugins for Tessera, each checked
 * against PyTorch or the paper's official code.
 */
export { default as lossesModule } from './module.js';
export { allPlugins } from './plugins.js';
export { reduceLoss, reduceElementwise, safeDenominator, REDUCTIONS } from './reduce.js';
export { defineLoss, defineElementwise, PACKAGE } from './define-loss.js';
export { stopGradient, detachedMask } from './stop-gradient.js';
// plugins, one per file
export { activePassive } from './active-passive.js';
export { aldrKl } from './aldr-kl.js';
export { attentionEntropy } from './attention-entropy.js';
export { binaryCrossEntropy } from './binary-cross-entropy.js';
export { compSum } from './comp-sum.js';
export { confidencePenalty } from './confidence-penalty.js';
export { contrastivePair } from './contrastive-pair.js';
export { crossEntropy } from './cross-entropy.js';
export { cutCrossEntropy } from './cut-cross-entropy.js';
export { dispersive } from './dispersive.js';
export { entropyMin } from './entropy-min.js';
export { focal } from './focal.js';
export { gaussianNll } from './gaussian-nll.js';
export { generalizedCrossEntropy } from './generalized-cross-entropy.js';
export { gistGuidedInfoNce } from './gist-guided-info-nce.js';
export { hlGauss } from './hl-gauss.js';
export { huber } from './huber.js';
export { infoNce } from './info-nce.js';
export { isogclr } from './isogclr.js';
export { jsDivergence } from './js-divergence.js';
export { klDivergence } from './kl-divergence.js';
export { l1 } from './l1.js';
export { ldrKl } from './ldr-kl.js';
export { logCosh } from './log-cosh.js';
export { maeNoisy } from './mae-noisy.js';
export { marginalEntropy } from './marginal-entropy.js';
export { mse } from './mse.js';
export { multiMargin } from './multi-margin.js';
export { multipleNegativesRanking } from './multiple-negatives-ranking.js';
export { normalizedCrossEntropy } from './normalized-cross-entropy.js';
export { normalizedFocal } from './normalized-focal.js';
export { ntXent } from './nt-xent.js';
export { poly1Focal } from './poly1-focal.js';
export { poly1 } from './poly1.js';
export { pseudoHuber } from './pseudo-huber.js';
export { reverseCrossEntropy } from './reverse-cross-entropy.js';
export { reverseKl } from './reverse-kl.js';
export { smoothL1 } from './smooth-l1.js';
export { squaredHinge } from './squared-hinge.js';
export { stablemaxCrossEntropy } from './stablemax-cross-entropy.js';
export { supcon } from './supcon.js';
export { symmetricCrossEntropy } from './symmetric-cross-entropy.js';
export { tripletMargin } from './triplet-margin.js';
export { twoHot } from './two-hot.js';
export { zLoss } from './z-loss.js';

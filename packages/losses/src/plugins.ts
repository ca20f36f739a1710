import type { Plugin } from '@tessera/core';
import { activePassive } from './active-passive.js';
import { aldrKl } from './aldr-kl.js';
import { anyloss } from './anyloss.js';
import { attentionEntropy } from './attention-entropy.js';
import { bagInstance } from './bag-instance.js';
import { biasLoss } from './bias-loss.js';
import { binaryCrossEntropy } from './binary-cross-entropy.js';
import { binaryKl } from './binary-kl.js';
import { ceDice } from './ce-dice.js';
import { compSum } from './comp-sum.js';
import { confidencePenalty } from './confidence-penalty.js';
import { contrastivePair } from './contrastive-pair.js';
import { crossEntropy } from './cross-entropy.js';
import { cutCrossEntropy } from './cut-cross-entropy.js';
import { dcoPassAtN } from './dco-pass-at-n.js';
import { dice } from './dice.js';
import { dispersive } from './dispersive.js';
import { entropyMin } from './entropy-min.js';
import { focal } from './focal.js';
import { gaussianNll } from './gaussian-nll.js';
import { generalizedCrossEntropy } from './generalized-cross-entropy.js';
import { gistGuidedInfoNce } from './gist-guided-info-nce.js';
import { hlGauss } from './hl-gauss.js';
import { huber } from './huber.js';
import { infoNce } from './info-nce.js';
import { isogclr } from './isogclr.js';
import { jsDivergence } from './js-divergence.js';
import { klDivergence } from './kl-divergence.js';
import { l1 } from './l1.js';
import { ldrKl } from './ldr-kl.js';
import { logCosh } from './log-cosh.js';
import { maeNoisy } from './mae-noisy.js';
import { marginalEntropy } from './marginal-entropy.js';
import { mse } from './mse.js';
import { multiMargin } from './multi-margin.js';
import { multipleNegativesRanking } from './multiple-negatives-ranking.js';
import { neuralNdcg } from './neural-ndcg.js';
import { nkd } from './nkd.js';
import { normalizedCrossEntropy } from './normalized-cross-entropy.js';
import { normalizedFocal } from './normalized-focal.js';
import { normalizedSoftmax } from './normalized-softmax.js';
import { ntXent } from './nt-xent.js';
import { poly1Focal } from './poly1-focal.js';
import { poly1 } from './poly1.js';
import { pseudoHuber } from './pseudo-huber.js';
import { reverseCrossEntropy } from './reverse-cross-entropy.js';
import { reverseKl } from './reverse-kl.js';
import { scheduledPseudoHuber } from './scheduled-pseudo-huber.js';
import { sigmoidFocal } from './sigmoid-focal.js';
import { sinkhornKd } from './sinkhorn-kd.js';
import { smoothL1 } from './smooth-l1.js';
import { sphericalZLoss } from './spherical-z-loss.js';
import { squaredHinge } from './squared-hinge.js';
import { stablemaxCrossEntropy } from './stablemax-cross-entropy.js';
import { supcon } from './supcon.js';
import { symmetricCrossEntropy } from './symmetric-cross-entropy.js';
import { tripletMargin } from './triplet-margin.js';
import { twoHot } from './two-hot.js';
import { zLoss } from './z-loss.js';

/** Every plugin of @tessera/losses (losses and regularizers). */
export const allPlugins: readonly Plugin[] = [
  activePassive,
  aldrKl,
  anyloss,
  attentionEntropy,
  bagInstance,
  biasLoss,
  binaryCrossEntropy,
  binaryKl,
  ceDice,
  compSum,
  confidencePenalty,
  contrastivePair,
  crossEntropy,
  cutCrossEntropy,
  dcoPassAtN,
  dice,
  dispersive,
  entropyMin,
  focal,
  gaussianNll,
  generalizedCrossEntropy,
  gistGuidedInfoNce,
  hlGauss,
  huber,
  infoNce,
  isogclr,
  jsDivergence,
  klDivergence,
  l1,
  ldrKl,
  logCosh,
  maeNoisy,
  marginalEntropy,
  mse,
  multiMargin,
  multipleNegativesRanking,
  neuralNdcg,
  nkd,
  normalizedCrossEntropy,
  normalizedFocal,
  normalizedSoftmax,
  ntXent,
  poly1Focal,
  poly1,
  pseudoHuber,
  reverseCrossEntropy,
  reverseKl,
  scheduledPseudoHuber,
  sigmoidFocal,
  sinkhornKd,
  smoothL1,
  sphericalZLoss,
  squaredHinge,
  stablemaxCrossEntropy,
  supcon,
  symmetricCrossEntropy,
  tripletMargin,
  twoHot,
  zLoss,
];

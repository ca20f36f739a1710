import type { Plugin } from '@tessera/core';
import { activePassive } from './active-passive.js';
import { binaryCrossEntropy } from './binary-cross-entropy.js';
import { compSum } from './comp-sum.js';
import { crossEntropy } from './cross-entropy.js';
import { focal } from './focal.js';
import { generalizedCrossEntropy } from './generalized-cross-entropy.js';
import { huber } from './huber.js';
import { jsDivergence } from './js-divergence.js';
import { klDivergence } from './kl-divergence.js';
import { l1 } from './l1.js';
import { ldrKl } from './ldr-kl.js';
import { logCosh } from './log-cosh.js';
import { maeNoisy } from './mae-noisy.js';
import { mse } from './mse.js';
import { multiMargin } from './multi-margin.js';
import { normalizedCrossEntropy } from './normalized-cross-entropy.js';
import { normalizedFocal } from './normalized-focal.js';
import { poly1Focal } from './poly1-focal.js';
import { poly1 } from './poly1.js';
import { reverseCrossEntropy } from './reverse-cross-entropy.js';
import { reverseKl } from './reverse-kl.js';
import { smoothL1 } from './smooth-l1.js';
import { squaredHinge } from './squared-hinge.js';
import { stablemaxCrossEntropy } from './stablemax-cross-entropy.js';
import { symmetricCrossEntropy } from './symmetric-cross-entropy.js';
import { zLoss } from './z-loss.js';

/** Every plugin of @tessera/losses (losses and regularizers). */
export const allPlugins: readonly Plugin[] = [
  activePassive,
  binaryCrossEntropy,
  compSum,
  crossEntropy,
  focal,
  generalizedCrossEntropy,
  huber,
  jsDivergence,
  klDivergence,
  l1,
  ldrKl,
  logCosh,
  maeNoisy,
  mse,
  multiMargin,
  normalizedCrossEntropy,
  normalizedFocal,
  poly1Focal,
  poly1,
  reverseCrossEntropy,
  reverseKl,
  smoothL1,
  squaredHinge,
  stablemaxCrossEntropy,
  symmetricCrossEntropy,
  zLoss,
];

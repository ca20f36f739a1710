import type { Plugin } from '@tessera/core';
import { binaryCrossEntropy } from './binary-cross-entropy.js';
import { crossEntropy } from './cross-entropy.js';
import { focal } from './focal.js';
import { huber } from './huber.js';
import { jsDivergence } from './js-divergence.js';
import { klDivergence } from './kl-divergence.js';
import { l1 } from './l1.js';
import { logCosh } from './log-cosh.js';
import { mse } from './mse.js';
import { poly1Focal } from './poly1-focal.js';
import { poly1 } from './poly1.js';
import { reverseKl } from './reverse-kl.js';
import { smoothL1 } from './smooth-l1.js';
import { zLoss } from './z-loss.js';

/** Every plugin of @tessera/losses (losses and regularizers). */
export const allPlugins: readonly Plugin[] = [
  binaryCrossEntropy,
  crossEntropy,
  focal,
  huber,
  jsDivergence,
  klDivergence,
  l1,
  logCosh,
  mse,
  poly1Focal,
  poly1,
  reverseKl,
  smoothL1,
  zLoss,
];

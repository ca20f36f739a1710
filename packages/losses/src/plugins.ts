import type { Plugin } from '@tessera/core';
import { crossEntropy } from './cross-entropy.js';
import { mse } from './mse.js';

/** Every plugin of @tessera/losses (losses and regularizers). */
export const allPlugins: readonly Plugin[] = [crossEntropy, mse];

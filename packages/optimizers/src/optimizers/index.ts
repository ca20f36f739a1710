import { adam } from './adam.js';
import { adamw } from './adamw.js';
import { sgd } from './sgd.js';

export { sgd, SgdOptimizer } from './sgd.js';
export { adam, AdamOptimizer } from './adam.js';
export { adamw, AdamWOptimizer } from './adamw.js';

/** Every optimizer plugin of the package. */
export const allOptimizers = [sgd, adam, adamw];

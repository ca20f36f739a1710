import { pluginModule } from '@tessera/core';
import { allPlugins } from './plugins.js';

/**
 * The inversify module of @tessera/miners: binds every miner and callback.
 *
 * @example
 * import miners from '@tessera/miners/module';
 * const registry = createRegistry(losses, miners);
 * registry.create('miner', 'hard-negative', { numNegatives: 2, absoluteMargin: 0.1 }).mine({ embeddings, positives });
 */
export default pluginModule(...allPlugins);

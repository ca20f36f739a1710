import { pluginModule } from '@tessera/core';
import { allPlugins } from './plugins.js';

/**
 * The inversify module of @tessera/losses: binds every loss and regularizer.
 *
 * @example
 * import losses from '@tessera/losses/module';
 * const registry = createRegistry(losses);
 * registry.create('loss', 'cross-entropy', { labelSmoothing: 0.1 }).compute({ logits, labels });
 */
export default pluginModule(...allPlugins);

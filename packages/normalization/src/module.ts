import { pluginModule } from '@tessera/core';
import { normalizationPlugins } from './plugins.js';

/** The package's inversify `ContainerModule`: binds every normalization plugin. */
export default pluginModule(...normalizationPlugins);

import { pluginModule } from '@tessera/core';
import { allOptimizers } from './optimizers/index.js';
import { allSchedules } from './schedules/index.js';

/** The package's ContainerModule: every optimizer, schedule and callback plugin. */
export const allPlugins = [...allOptimizers, ...allSchedules];

export default pluginModule(...allPlugins);

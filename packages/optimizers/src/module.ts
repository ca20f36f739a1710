import { pluginModule } from '@tessera/core';
import { allOptimizers } from './optimizers/index.js';
import { allSchedules } from './schedules/index.js';
import { lrRangeTest } from './callbacks/lr-range-test.js';
import { reduceOnPlateau } from './callbacks/reduce-on-plateau.js';

/** The package's ContainerModule: every optimizer, schedule and callback plugin. */
export const allPlugins = [...allOptimizers, ...allSchedules, reduceOnPlateau, lrRangeTest];

export default pluginModule(...allPlugins);

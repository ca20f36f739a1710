import { runConformance } from '@tessera/testing';
import pluginsModule from './module.js';
runConformance({ modules: [pluginsModule], overrides: {} });

import { runConformance } from '@tessera/testing';
import pluginsModule from './module.js';
runConformance({
  modules: [pluginsModule],
  overrides: {
    // the default input is [4, 3, 8]: 8 channels
    'normalization/group-norm': { params: { numGroups: 2 } },
    'normalization/evonorm-s0': { params: { numGroups: 2 } },
    'normalization/batch-channel-norm': { params: { numGroups: 2 } },
  },
});

import { runConformance } from '@tessera/testing';
import pluginsModule from './module.js';
runConformance({
  modules: [pluginsModule],
  overrides: {
    // the default input is [4, 3, 8]: 8 channels
    'normalization/group-norm': { params: { numGroups: 2 } },
    'normalization/evonorm-s0': { params: { numGroups: 2 } },
    'normalization/batch-channel-norm': { params: { numGroups: 2 } },
    // a convolution: keep the default input's shape with 8 filters of size 1
    'normalization/weight-standardization': { params: { filters: 8, kernelSize: 1 } },
  },
});

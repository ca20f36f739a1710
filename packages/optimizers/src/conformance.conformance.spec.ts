import { runConformance } from '@tessera/testing';
import pluginsModule from './module.js';
runConformance({
  modules: [pluginsModule],
  overrides: {
    'optimizer/sgd': { convergence: { learningRate: 0.05, rosenbrockLearningRate: 1e-3 }, params: { momentum: 0.9 } },
    'optimizer/adam': { convergence: { learningRate: 0.05 } },
    'optimizer/adamw': { convergence: { learningRate: 0.05 } },
    'optimizer/adamax': { convergence: { learningRate: 0.05 } },
    'optimizer/nadam': { convergence: { learningRate: 0.05 } },
    'optimizer/radam': { convergence: { learningRate: 0.05, rosenbrockLearningRate: 0.003 } },
    'optimizer/adagrad': { convergence: { learningRate: 0.5, rosenbrockLearningRate: 0.1 } },
    'optimizer/adadelta': { convergence: { learningRate: 10 } },
    'optimizer/asgd': { convergence: { learningRate: 0.05, rosenbrockLearningRate: 1e-3 } },
    'optimizer/sam': { convergence: { learningRate: 0.05, rosenbrockLearningRate: 1e-3 } },
    'optimizer/asam': { params: { rho: 0.1 }, convergence: { learningRate: 0.05, rosenbrockLearningRate: 1e-3 } },
    'optimizer/schedule-free-adamw': { convergence: { learningRate: 0.05 } },
    'optimizer/schedule-free-sgd': { convergence: { learningRate: 0.05, rosenbrockLearningRate: 1e-3 } },
    'optimizer/schedule-free': { convergence: { learningRate: 0.05 } },
    'optimizer/lion': { convergence: { learningRate: 0.02, rosenbrockLearningRate: 1e-3 } },
    'optimizer/lamb': { convergence: { learningRate: 0.05, rosenbrockLearningRate: 0.01 } },
    'optimizer/lars': { convergence: { learningRate: 20, rosenbrockLearningRate: 1 } },
    'optimizer/adabelief': { convergence: { learningRate: 0.05 } },
    'optimizer/adan': { convergence: { learningRate: 0.05 } },
    'optimizer/adafactor': { params: { multiplyByParameterScale: false }, convergence: { learningRate: 0.05 } },
    'schedule/cosine-restarts': { discontinuous: true },
    'schedule/piecewise-constant': { params: { initValue: 1, boundaries: [100, 500], scales: [0.5, 0.5] }, discontinuous: true },
  },
});

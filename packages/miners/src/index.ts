/**
 * @tessera/miners — miners (hard negatives, guide filters), per-sample
 * reweighters, pruning and rewind callbacks, and training callbacks.
 */
export { default, default as minersModule } from './module.js';
export { allPlugins } from './plugins.js';
export { withMiners } from './with-miners.js';
export { cosineMatrix, l2Normalize, detached, PACKAGE } from './mining-utils.js';
// miners
export { hardNegative } from './hard-negative.js';
export { batchHard } from './batch-hard.js';
export { semiHard } from './semi-hard.js';
export { gistGuideFilter } from './gist-guide-filter.js';
export { crossBatchMemory } from './cross-batch-memory.js';
export { indexHardNegative } from './index-hard-negative.js';
export { mineHardNegatives, type MineHardNegativesOptions, type MinedNegatives } from './mine-hard-negatives.js';
// pruning and rewind callbacks
export { WeightMasks, roundHalfEven, slotOf } from './weight-masks.js';
export { gradualMagnitudePruning, polynomialSparsity, type PruningCallback } from './gradual-magnitude-pruning.js';
export { lotteryTicketRewind, resetOptimizerState } from './lottery-ticket-rewind.js';
export { granetRegrow, granetSparsity, deathRate } from './granet-regrow.js';
export { setPruneRegrow, erdosRenyiDensity } from './set-prune-regrow.js';
// training callbacks
export { earlyStopping } from './early-stopping.js';
export { checkpoint, loadWeights } from './checkpoint.js';
export { progress } from './progress.js';
export { metricsLog } from './metrics-log.js';
export { emaSwap } from './ema-swap.js';
export { nanGuard } from './nan-guard.js';
// reweighters and selectors
export { lossReweighting } from './loss-reweighting.js';
export { rs2RandomSubset } from './rs2-random-subset.js';
export { colorFilter, sequenceNll } from './color-filter.js';
export { eata } from './eata.js';
export { largeBatchRegimeCallback, largeBatchRegime, type LargeBatchRegime } from './large-batch-regime.js';
export { lossFreeBalancing } from './loss-free-balancing.js';
export { dbpm } from './dbpm.js';
export { ngameClusterBatcher, balancedClusters } from './ngame-cluster-batcher.js';

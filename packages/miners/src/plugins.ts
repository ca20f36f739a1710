import type { Plugin } from '@tessera/core';
import { batchHard } from './batch-hard.js';
import { checkpoint } from './checkpoint.js';
import { crossBatchMemory } from './cross-batch-memory.js';
import { colorFilter } from './color-filter.js';
import { dbpm } from './dbpm.js';
import { eata } from './eata.js';
import { earlyStopping } from './early-stopping.js';
import { emaSwap } from './ema-swap.js';
import { gistGuideFilter } from './gist-guide-filter.js';
import { gradualMagnitudePruning } from './gradual-magnitude-pruning.js';
import { granetRegrow } from './granet-regrow.js';
import { hardNegative } from './hard-negative.js';
import { indexHardNegative } from './index-hard-negative.js';
import { largeBatchRegimeCallback } from './large-batch-regime.js';
import { lossFreeBalancing } from './loss-free-balancing.js';
import { lossReweighting } from './loss-reweighting.js';
import { lotteryTicketRewind } from './lottery-ticket-rewind.js';
import { metricsLog } from './metrics-log.js';
import { nanGuard } from './nan-guard.js';
import { ngameClusterBatcher } from './ngame-cluster-batcher.js';
import { progress } from './progress.js';
import { rs2RandomSubset } from './rs2-random-subset.js';
import { semiHard } from './semi-hard.js';
import { setPruneRegrow } from './set-prune-regrow.js';

/** Every plugin of @tessera/miners. */
export const allPlugins: Plugin[] = [
  // miners
  hardNegative,
  batchHard,
  semiHard,
  gistGuideFilter,
  crossBatchMemory,
  indexHardNegative,
  // pruning and rewind
  gradualMagnitudePruning,
  lotteryTicketRewind,
  granetRegrow,
  setPruneRegrow,
  largeBatchRegimeCallback,
  // reweighters and selectors
  lossReweighting,
  rs2RandomSubset,
  colorFilter,
  eata,
  dbpm,
  // samplers (through a wrapped dataset)
  ngameClusterBatcher,
  // training callbacks
  earlyStopping,
  checkpoint,
  progress,
  metricsLog,
  emaSwap,
  nanGuard,
  // mixture-of-experts
  lossFreeBalancing,
];

import type { Plugin } from '@tessera/core';
import { batchHard } from './batch-hard.js';
import { gistGuideFilter } from './gist-guide-filter.js';
import { gradualMagnitudePruning } from './gradual-magnitude-pruning.js';
import { hardNegative } from './hard-negative.js';
import { lotteryTicketRewind } from './lottery-ticket-rewind.js';
import { semiHard } from './semi-hard.js';

/** Every plugin of @tessera/miners. */
export const allPlugins: Plugin[] = [hardNegative, batchHard, semiHard, gistGuideFilter, gradualMagnitudePruning, lotteryTicketRewind];

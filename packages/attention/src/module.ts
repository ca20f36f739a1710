import { pluginModule } from '@tessera/core';
import { cosineAttention } from './cosine.js';
import { entmax15Attention } from './entmax15.js';
import { linearAttention } from './linear.js';
import { malaAttention } from './mala.js';
import { reluAttention } from './relu.js';
import { sigmoidAttention } from './sigmoid.js';
import { softAttention } from './soft.js';
import { softmaxAttention } from './softmax.js';
import { softplusAttention } from './softplus.js';
import { twoPassAttention } from './two-pass.js';
import { urpeAttention } from './urpe.js';

/** Every attention variant of @tessera/attention. */
export const attentionPlugins = [softmaxAttention, sigmoidAttention, linearAttention, malaAttention, cosineAttention, reluAttention, entmax15Attention, twoPassAttention, urpeAttention, softAttention, softplusAttention] as const;

/** The package's inversify `ContainerModule`: `createRegistry(attentionModule)`. */
export default pluginModule(...attentionPlugins);

// Gradients of tfjs-core ops are registered by this side-effect import (tfjs-core alone registers none).
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { pluginModule } from '@tessera/core';
import { softmaxAttention } from './softmax.js';

/** Every attention variant of @tessera/attention. */
export const attentionPlugins = [softmaxAttention] as const;

/** The package's inversify `ContainerModule`: `createRegistry(attentionModule)`. */
export default pluginModule(...attentionPlugins);

/**
 * @tessera/attention — attention variants over `[B, H, T, Dh]`, a
 * MultiHeadAttention layer and a pre-norm TransformerBlock.
 */
import '@tensorflow/tfjs-core/dist/register_all_gradients';
export { default as attentionModule, attentionPlugins } from './module.js';
export {
  allowedMask,
  causalMask,
  type AttentionCall,
  type AttentionVariant,
  type AttentionWeightSpec,
} from './attention-common.js';
export { softmaxAttention, type SoftmaxAttentionParams } from './softmax.js';

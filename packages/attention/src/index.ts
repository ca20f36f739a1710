/**
 * @tessera/attention — attention variants over `[B, H, T, Dh]`, a
 * MultiHeadAttention layer and a pre-norm TransformerBlock.
 */
export { default, default as attentionModule, attentionPlugins } from './module.js';
export {
  allowedMask,
  causalMask,
  type AttentionCall,
  type AttentionVariant,
  type AttentionWeightSpec,
} from './attention-common.js';
export { softmaxAttention, type SoftmaxAttentionParams } from './softmax.js';
export { sigmoidAttention, type SigmoidAttentionParams } from './sigmoid.js';
export { reluAttention, type ReluAttentionParams } from './relu.js';
export { cosineAttention, type CosineAttentionParams } from './cosine.js';
export { linearAttention, type LinearAttentionParams } from './linear.js';
export { malaAttention, type MalaAttentionParams } from './mala.js';
export { entmax15Attention, type Entmax15AttentionParams } from './entmax15.js';
export { twoPassAttention, type TwoPassAttentionParams } from './two-pass.js';
export { urpeAttention, type UrpeAttentionParams } from './urpe.js';
export { softAttention, type SoftAttentionParams } from './soft.js';
export { softplusAttention, type SoftplusAttentionParams } from './softplus.js';
export { AttentionRegularizerHook, attentionEntropy, type AttentionRegularizer } from './attention-regularizer-hook.js';
export {
  MultiHeadAttention,
  defaultAttentionRegistry,
  setDefaultAttentionRegistry,
  type MultiHeadAttentionArgs,
  type MultiHeadAttentionKwargs,
} from './multi-head-attention.js';
export { TransformerBlock, type TransformerBlockArgs } from './transformer-block.js';

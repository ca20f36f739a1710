/**
 * @tessera/normalization — normalization layers (`tf.layers.Layer` subclasses,
 * registered with `tf.serialization`) and their functional forms.
 */
import './plugin-types.js';

export { NormLayer, type BaseLayerOptions, type NormKwargs } from './norm-layer.js';
export { normalizationPlugins } from './plugins.js';
export { default as normalizationModule, default } from './module.js';

export { layerNorm, LayerNorm, layerNormPlugin, layerNormParams, type LayerNormParams } from './layer-norm.js';
export { rmsNorm, RmsNorm, rmsNormPlugin, rmsNormParams, type RmsNormParams, type EpsPlacement } from './rms-norm.js';
export { batchNorm, batchMoments, BatchNorm, RunningStatsLayer, type RunningStatsParams, batchNormPlugin, batchNormParams, type BatchNormParams, type BatchMoments } from './batch-norm.js';
export { groupNorm, GroupNorm, groupNormPlugin, groupNormParams, type GroupNormParams } from './group-norm.js';
export { instanceNorm, InstanceNorm, instanceNormPlugin, instanceNormParams, type InstanceNormParams } from './instance-norm.js';
export { groupScaling, maskedMeanSquare, powerNorm, PowerNorm, powerNormPlugin, powerNormParams, type PowerNormParams } from './power-norm.js';
export { unifiedNorm, UnifiedNorm, unifiedNormPlugin, unifiedNormParams, type UnifiedNormParams } from './unified-norm.js';
export {
  crmsNorm,
  CrmsNorm,
  crmsNormPlugin,
  crmsNormParams,
  type CrmsNormParams,
  recenterEmbeddings,
  recenterOutputs,
  preLnToPreRmsNorm,
  foldNormAffine,
  dropLastCoordinate,
} from './crms-norm.js';
export { maskedBatchNorm, MaskedBatchNorm, maskedBatchNormPlugin, maskedBatchNormParams, type MaskedBatchNormParams } from './masked-batch-norm.js';
export { ghostBatchNorm, ghostChunks, GhostBatchNorm, ghostBatchNormPlugin, ghostBatchNormParams, type GhostBatchNormParams } from './ghost-batch-norm.js';
export { evoNormB0, EvoNormB0, evoNormB0Plugin, evoNormB0Params, type EvoNormB0Params } from './evonorm-b0.js';
export { evoNormS0, groupStd, EvoNormS0, evoNormS0Plugin, evoNormS0Params, type EvoNormS0Params } from './evonorm-s0.js';
export { scaleNorm, ScaleNorm, scaleNormPlugin, scaleNormParams, type ScaleNormParams } from './scale-norm.js';
export { layerNormScaling, LayerNormScaling, layerNormScalingPlugin, layerNormScalingParams, type LayerNormScalingParams } from './layer-norm-scaling.js';
export { qkNorm, QkNorm, qkNormPlugin, qkNormParams, type QkNormParams } from './qk-norm.js';
export { batchChannelNorm, BatchChannelNorm, batchChannelNormPlugin, batchChannelNormParams, type BatchChannelNormParams } from './batch-channel-norm.js';
export { standardizeWeight, WeightStandardization, weightStandardizationPlugin, weightStandardizationParams, type WeightStandardizationParams } from './weight-standardization.js';
export { alphaBatchNorm, AlphaBn, alphaBnPlugin, alphaBnParams, type AlphaBnParams } from './alpha-bn.js';

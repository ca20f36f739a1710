import type { Plugin } from '@tessera/core';
import { layerNormPlugin } from './layer-norm.js';
import { rmsNormPlugin } from './rms-norm.js';
import { batchNormPlugin } from './batch-norm.js';
import { groupNormPlugin } from './group-norm.js';
import { instanceNormPlugin } from './instance-norm.js';
import { powerNormPlugin } from './power-norm.js';
import { unifiedNormPlugin } from './unified-norm.js';
import { crmsNormPlugin } from './crms-norm.js';
import { maskedBatchNormPlugin } from './masked-batch-norm.js';
import { ghostBatchNormPlugin } from './ghost-batch-norm.js';
import { evoNormB0Plugin } from './evonorm-b0.js';
import { evoNormS0Plugin } from './evonorm-s0.js';
import { scaleNormPlugin } from './scale-norm.js';
import { layerNormScalingPlugin } from './layer-norm-scaling.js';
import { qkNormPlugin } from './qk-norm.js';
import { batchChannelNormPlugin } from './batch-channel-norm.js';
import { weightStandardizationPlugin } from './weight-standardization.js';
import { alphaBnPlugin } from './alpha-bn.js';

/** Every normalization plugin of the package, in catalog order. */
export const normalizationPlugins: readonly Plugin[] = [layerNormPlugin, rmsNormPlugin, batchNormPlugin, groupNormPlugin, instanceNormPlugin, powerNormPlugin, unifiedNormPlugin, crmsNormPlugin, maskedBatchNormPlugin, ghostBatchNormPlugin, evoNormB0Plugin, evoNormS0Plugin, scaleNormPlugin, layerNormScalingPlugin, qkNormPlugin, batchChannelNormPlugin, weightStandardizationPlugin, alphaBnPlugin];

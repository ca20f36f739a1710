import { charTransformerModel } from './char-transformer.js';
import { digitPairsDataset } from './digit-pairs.js';
import { digitsDataset } from './digits.js';
import { embeddingMlpModel } from './embedding-mlp.js';
import { mlpModel } from './mlp.js';
import { tinyShakespeareDataset } from './tiny-shakespeare.js';

/** The workbench's models and datasets: plugins of kinds `model` and `dataset`. */
export const zooPlugins = [mlpModel, charTransformerModel, embeddingMlpModel, digitsDataset, tinyShakespeareDataset, digitPairsDataset] as const;

export { charTransformerModel, digitPairsDataset, digitsDataset, embeddingMlpModel, mlpModel, tinyShakespeareDataset };
export type { BuiltModel, DataInfo, DatasetSource, LoadedData, ModelContext, ModelFactory } from './types.js';

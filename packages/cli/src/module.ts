import { pluginModule } from '@tessera/core';
import { zooPlugins } from './zoo/index.js';

/** The workbench's ContainerModule: its models (kind `model`) and datasets (kind `dataset`). */
export default pluginModule(...zooPlugins);

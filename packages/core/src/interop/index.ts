/** Interop with tfjs-layers: Tessera losses and callbacks inside `model.compile` / `model.fit`. */
export { toLayersLoss, type LayersLossFn, type LayersLossOptions, type LayersTargetMode } from './layers-loss.js';
export { toLayersCallbacks, TRAINER_ONLY_HOOKS, type LayersCallbackArgs, type LayersCallbackOptions } from './layers-callbacks.js';

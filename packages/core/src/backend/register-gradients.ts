import * as tfl from '@tensorflow/tfjs-layers';

/**
 * In Node, `@tensorflow/tfjs-core`'s bundle registers no gradient functions
 * (the union package `@tensorflow/tfjs` normally does it); tfjs-layers' bundle
 * registers all of them on load. Core depends on it for that reason, and
 * reads this value so that no bundler drops the import.
 */
export const gradientsRegisteredBy = `@tensorflow/tfjs-layers ${tfl.version_layers}`;

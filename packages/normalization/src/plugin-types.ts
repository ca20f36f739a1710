import type { layers } from '@tensorflow/tfjs-layers';

/** `registry.create('normalization', …)` returns a `tf.layers.Layer`. */
declare module '@tessera/core' {
  interface PluginTypes {
    normalization: layers.Layer;
  }
}

export {};

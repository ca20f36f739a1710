import type { Tensor } from '@tensorflow/tfjs-core';
import type { PluginManifest } from '../plugin/plugin.js';

/**
 * Notation: B batch, H heads, Tq query length, Tk key length, Dh head dimension.
 */
export interface AttentionInputs {
  /** `[B, H, Tq, Dh]`. */
  query: Tensor;
  /** `[B, H, Tk, Dh]`. */
  key: Tensor;
  /** `[B, H, Tk, Dh]`. */
  value: Tensor;
  /** Boolean, broadcastable to `[B, H, Tq, Tk]`; `true` = may attend. */
  mask?: Tensor;
  /** Query i may attend to keys j ≤ i + (Tk − Tq). */
  causal?: boolean;
}

/** An attention variant, as `registry.create('attention', name, params)` returns it. */
export interface Attention {
  readonly manifest: PluginManifest<any>;
  /** `[B, H, Tq, Dh]`; a fully masked query row yields zeros, never NaN. */
  apply(inputs: AttentionInputs): Tensor;
}

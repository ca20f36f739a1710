import * as tfl from '@tensorflow/tfjs-layers';

/** An MLP 64 → hidden → hidden → 10 with seeded Glorot initialisation (the same weights on every run). */
export function buildModel({ hidden = 128, seed = 1 } = {}): tfl.Sequential {
  const init = (s: number) => tfl.initializers.glorotUniform({ seed: seed * 100 + s });
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ units: hidden, inputShape: [64], activation: 'relu', kernelInitializer: init(1) }),
      tfl.layers.dense({ units: hidden, activation: 'relu', kernelInitializer: init(2) }),
      tfl.layers.dense({ units: 10, kernelInitializer: init(3) }),
    ],
  });
}

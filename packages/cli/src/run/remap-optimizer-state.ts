import type * as tf from '@tensorflow/tfjs-core';

/**
 * Renames the variable names inside optimizer weight names. Tessera
 * optimizers key their state by variable name (`t:mu/<encoded name>`), tfjs
 * optimizers by prefix (`<name>/m`). tfjs-layers makes variable names unique
 * per process (`dense_Dense1/kernel`, then `dense_Dense4/kernel` for the next
 * model), so a model rebuilt in a process that built other models first gets
 * other names than the one that wrote the checkpoint.
 */
export function remapWeightName(name: string, mapping: ReadonlyMap<string, string>): string {
  const kind = name.slice(0, 2);
  if (kind === 't:' || kind === 'n:' || kind === 'f:') {
    const parts = name.slice(2).split('/').map((p) => {
      const decoded = decodeURIComponent(p);
      const to = mapping.get(decoded);
      return to === undefined ? p : encodeURIComponent(to);
    });
    return kind + parts.join('/');
  }
  let best: string | undefined;
  for (const from of mapping.keys()) if (name.startsWith(`${from}/`) && (!best || from.length > best.length)) best = from;
  return best ? mapping.get(best)! + name.slice(best.length) : name;
}

/**
 * Makes `optimizer.setWeights` translate the variable names a checkpoint was
 * written with (`saved`, in model order) to the model's current ones, so that
 * `--resume` is exact even when the names differ (see {@link remapWeightName}).
 */
export function remapOptimizerState(optimizer: tf.Optimizer, saved: readonly string[], current: readonly string[]): void {
  const mapping = new Map<string, string>();
  saved.forEach((s, i) => {
    const c = current[i];
    if (c !== undefined && c !== s) mapping.set(s, c);
  });
  if (mapping.size === 0) return;
  const original = optimizer.setWeights.bind(optimizer);
  optimizer.setWeights = (weights) => original(weights.map((w) => ({ name: remapWeightName(w.name, mapping), tensor: w.tensor })));
}

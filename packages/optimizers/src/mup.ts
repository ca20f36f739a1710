import type * as tf from '@tensorflow/tfjs-core';
import type { ParamGroup } from './transform-optimizer.js';

/** A variable as μP needs it: its name and shape (a `tf.Variable` fits). */
export interface MupVariable {
  readonly name: string;
  readonly shape: readonly number[];
}

export interface MupOptions {
  /** The optimizer family: Adam-like (adam, adamw, …) or SGD-like (sgd, …). */
  optimizer: 'adam' | 'sgd';
  /** The optimizer's base weight decay (groups get it scaled); default 0. */
  weightDecay?: number;
  /**
   * microsoft/mup's `decoupled_wd`: when false (its default), weight decay is scaled
   * inversely to the learning rate so that lr·λ stays constant across widths.
   */
  decoupledWeightDecay?: boolean;
}

/**
 * μP (maximal update parametrisation) as parameter groups, following
 * microsoft/mup's `MuAdam` / `MuSGD`.
 *
 * Notation: tfjs layouts (dense `[fan_in, fan_out]`, output last); a dimension is
 * "infinite" when it differs from the base shape; m_in, m_out the width multipliers
 * (current/base) of the fan-in and fan-out dimensions; w the variable's width
 * multiplier (m_in if fan-in is infinite, else m_out).
 *
 *   Adam: matrix-like (2 infinite dims): lr ÷ m_in, λ × m_in;   vector-like: unchanged
 *   SGD:  vector-like (1 infinite dim): lr × w, λ ÷ w;   matrix-like: lr ÷ (m_in/m_out), λ × (m_in/m_out)
 *
 * (λ is left as is with `decoupledWeightDecay`.) Variables with no infinite dimension get no group.
 * The forward-pass parts of μP (readout multiplier 1/w, attention scale 1/d_head, init) belong to
 * the model and are not done here.
 *
 * @example registry.create('optimizer', 'adamw', { learningRate: 1e-3, paramGroups: mupParamGroups(model.trainableWeights.map((w) => w.read()), baseShapes, { optimizer: 'adam', weightDecay: 0.01 }) })
 * @see https://arxiv.org/abs/2011.14522
 */
export function mupParamGroups(variables: readonly (MupVariable | tf.Variable)[], baseShapes: Readonly<Record<string, readonly number[]>>, opts: MupOptions): ParamGroup[] {
  const groups: ParamGroup[] = [];
  const wd = opts.weightDecay ?? 0;
  for (const v of variables) {
    const base = baseShapes[v.name];
    if (!base) throw new RangeError(`mupParamGroups: no base shape for variable "${v.name}".`);
    if (base.length !== v.shape.length) throw new RangeError(`mupParamGroups: "${v.name}" has shape [${v.shape}] but base shape [${base}].`);
    const mult = v.shape.map((d, i) => d / base[i]!);
    const inf = mult.map((m) => m !== 1);
    const ninf = inf.filter(Boolean).length;
    if (ninf === 0) continue;
    if (ninf > 2) throw new RangeError(`mupParamGroups: "${v.name}" has ${ninf} infinite dimensions; μP handles at most 2.`);
    const r = v.shape.length;
    const fanOutAxis = r - 1;
    const mOut = mult[fanOutAxis]!;
    const mIn = r >= 2 ? mult.slice(0, fanOutAxis).reduce((a, b) => a * b, 1) : 1;
    const width = r >= 2 && inf.slice(0, fanOutAxis).some(Boolean) ? mIn : mOut;
    let lrMultiplier: number;
    if (opts.optimizer === 'adam') lrMultiplier = ninf === 2 ? 1 / mIn : 1;
    else lrMultiplier = ninf === 1 ? width : 1 / (mIn / mOut);
    if (lrMultiplier === 1) continue;
    const group: ParamGroup = { params: [v.name], lrMultiplier };
    if (!opts.decoupledWeightDecay && wd > 0) group.weightDecay = wd / lrMultiplier;
    groups.push(group);
  }
  return groups;
}

import { scheduleReviver } from '../define-optimizer.js';
import { constant } from './constant.js';
import { cosineDecay } from './cosine-decay.js';
import { cosineRestarts } from './cosine-restarts.js';
import { cyclic } from './cyclic.js';
import { scheduleTable } from './define-schedule.js';
import { exponentialDecay } from './exponential-decay.js';
import { inverseSqrt } from './inverse-sqrt.js';
import { joinSchedules } from './join-schedules.js';
import { linear } from './linear.js';
import { oneCycle, oneCycleMomentumSchedule } from './one-cycle.js';
import { piecewiseConstant } from './piecewise-constant.js';
import { piecewiseInterpolate } from './piecewise-interpolate.js';
import { polynomial } from './polynomial.js';
import { warmupConstant } from './warmup-constant.js';
import { warmupCosineDecay } from './warmup-cosine-decay.js';
import { warmupExponentialDecay } from './warmup-exponential-decay.js';
import { wsd } from './wsd.js';
import { sgdr } from './sgdr.js';

export {
  constant, cosineDecay, cosineRestarts, cyclic, exponentialDecay, inverseSqrt, joinSchedules, linear, oneCycle,
  piecewiseConstant, piecewiseInterpolate, polynomial, warmupConstant, warmupCosineDecay, warmupExponentialDecay, wsd, sgdr,
};
export { oneCycleMomentum, oneCycleMomentumAt, oneCycleMomentumSchedule } from './one-cycle.js';
export type { ParamSchedule } from './define-schedule.js';

/** Every schedule plugin of the package. */
export const allSchedules = [
  constant, linear, polynomial, cosineDecay, warmupCosineDecay, warmupConstant, exponentialDecay, warmupExponentialDecay,
  piecewiseConstant, piecewiseInterpolate, oneCycle, oneCycleMomentumSchedule, wsd, inverseSqrt, cosineRestarts, sgdr, cyclic, joinSchedules,
];

scheduleReviver.create = (name, params) => {
  const p = scheduleTable.get(name);
  if (!p) throw new RangeError(`unknown schedule "${name}" in an optimizer config.`);
  return p.create(params);
};

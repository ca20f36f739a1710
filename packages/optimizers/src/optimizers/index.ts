import { adadelta } from './adadelta.js';
import { adagrad } from './adagrad.js';
import { adam } from './adam.js';
import { adamax } from './adamax.js';
import { adamw } from './adamw.js';
import { asgd } from './asgd.js';
import { nadam } from './nadam.js';
import { radam } from './radam.js';
import { rmsprop } from './rmsprop.js';
import { rprop } from './rprop.js';
import { asam, sam } from './sam.js';
import { scheduleFree, scheduleFreeAdamw, scheduleFreeSgd } from './schedule-free.js';
import { sgd } from './sgd.js';

export { sgd, SgdOptimizer } from './sgd.js';
export { adam, AdamOptimizer, adamFields } from './adam.js';
export { adamw, AdamWOptimizer } from './adamw.js';
export { adamax, AdamaxOptimizer, scaleByAdamax } from './adamax.js';
export { nadam, NadamOptimizer, scaleByNadam } from './nadam.js';
export { radam, RadamOptimizer, scaleByRadam } from './radam.js';
export { adagrad, AdagradOptimizer } from './adagrad.js';
export { adadelta, AdadeltaOptimizer } from './adadelta.js';
export { rmsprop, RmspropOptimizer } from './rmsprop.js';
export { rprop, RpropOptimizer } from './rprop.js';
export { asgd, AsgdOptimizer } from './asgd.js';
export { sam, asam, SamOptimizer, SamOptimizerClass, AsamOptimizerClass } from './sam.js';
export {
  scheduleFree, scheduleFreeAdamw, scheduleFreeSgd, ScheduleFreeOptimizer, scheduleFreeTransform,
  ScheduleFreeAdamWOptimizer, ScheduleFreeSgdOptimizer, ScheduleFreeWrapperOptimizer, type ScheduleFreeOptions,
} from './schedule-free.js';

/** Every optimizer plugin of the package. */
export const allOptimizers = [sgd, adam, adamw, adamax, nadam, radam, adagrad, adadelta, rmsprop, rprop, asgd, sam, asam, scheduleFreeSgd, scheduleFreeAdamw, scheduleFree];

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
import { lion } from './lion.js';
import { lamb } from './lamb.js';
import { lars } from './lars.js';
import { adabelief } from './adabelief.js';
import { adan } from './adan.js';
import { novograd } from './novograd.js';
import { adafactor } from './adafactor.js';
import { dAdaptAdam, dAdaptSgd, prodigy } from './d-adapt.js';
import { dog, dowg, ldog } from './dog.js';
import { paramEma, polyDecayAverager } from './poly-decay-averager.js';
import { adamp, sgdp } from './adamp.js';
import { muon } from './muon.js';
import { ademamix } from './ademamix.js';
import { adopt } from './adopt.js';
import { madgrad } from './madgrad.js';
import { mFac } from './m-fac.js';
import { adagradNorm } from './adagrad-norm.js';
import { lookaheadOptimizer } from './lookahead.js';
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
export { lion, LionOptimizer, scaleByLion } from './lion.js';
export { lamb, LambOptimizer } from './lamb.js';
export { lars, LarsOptimizer } from './lars.js';
export { adabelief, AdabeliefOptimizer, scaleByBelief } from './adabelief.js';
export { adan, AdanOptimizer } from './adan.js';
export { novograd, NovogradOptimizer, scaleByNovograd } from './novograd.js';
export { adafactor, AdafactorOptimizer, scaleByFactoredRms, factoredDims } from './adafactor.js';
export { dAdaptAdam, dAdaptSgd, prodigy, DAdaptAdamOptimizer, DAdaptSgdOptimizer, ProdigyOptimizer, scaleByDAdaptAdam, scaleByDAdaptSgd } from './d-adapt.js';
export { dog, ldog, dowg, DogOptimizer, LdogOptimizer, DowgOptimizer, scaleByDog } from './dog.js';
export { polyDecayAverager, PolyDecayAveragerOptimizer, AveragingOptimizer, polyDecayAverage, paramEma, ParamEmaOptimizer, emaAverage } from './poly-decay-averager.js';
export { adamp, sgdp, AdampOptimizer, SgdpOptimizer, adampProjection } from './adamp.js';
export { muon, MuonOptimizer, newtonSchulz5 } from './muon.js';
export { ademamix, AdemamixOptimizer } from './ademamix.js';
export { adopt, AdoptOptimizer } from './adopt.js';
export { madgrad, MadgradOptimizer } from './madgrad.js';
export { mFac, MFacOptimizer, solveSpd } from './m-fac.js';
export { adagradNorm, AdagradNormOptimizer, adadagradBatchSize } from './adagrad-norm.js';
export { lookaheadOptimizer, LookaheadOptimizer } from './lookahead.js';
export { sam, asam, SamOptimizer, SamOptimizerClass, AsamOptimizerClass } from './sam.js';
export {
  scheduleFree, scheduleFreeAdamw, scheduleFreeSgd, ScheduleFreeOptimizer, scheduleFreeTransform,
  ScheduleFreeAdamWOptimizer, ScheduleFreeSgdOptimizer, ScheduleFreeWrapperOptimizer, type ScheduleFreeOptions,
} from './schedule-free.js';

/** Every optimizer plugin of the package. */
export const allOptimizers = [sgd, adam, adamw, adamax, nadam, radam, adagrad, adadelta, rmsprop, rprop, asgd, sam, asam, scheduleFreeSgd, scheduleFreeAdamw, scheduleFree,
  lion, lamb, lars, adabelief, adan, novograd, adafactor,
  dAdaptAdam, dAdaptSgd, prodigy, dog, ldog, dowg, polyDecayAverager,
  adamp, sgdp, muon, ademamix, adopt, madgrad, paramEma, mFac, adagradNorm, lookaheadOptimizer];

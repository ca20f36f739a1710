import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';
import { buildBase, defineOptimizer, learningRateField, paramGroupsField, type OptimizerClass } from '../define-optimizer.js';
import { TransformOptimizer, type BuildContext, type NamedTensor } from '../transform-optimizer.js';
import { perVariable, type GradientTransformation, type StateTree, type TensorRecord } from '../transform.js';

/**
 * Group scalars of Schedule-Free (host numbers): k steps taken, the running
 * maximum of the learning rate, and the sum of averaging weights.
 */
function weights(state: StateTree, lr: number, r: number, weightLrPower: number): { k: number; lrMax: number; weightSum: number; c: number } {
  const k = (state.k as number | undefined) ?? 0;
  const lrMax = Math.max((state.lrMax as number | undefined) ?? -1, lr);
  const w = Math.pow(k + 1, r) * Math.pow(lrMax, weightLrPower);
  const weightSum = ((state.weightSum as number | undefined) ?? 0) + w;
  return { k, lrMax, weightSum, c: weightSum !== 0 ? w / weightSum : 0 };
}

export interface ScheduleFreeOptions {
  /** β: interpolation y = (1−β)z + βx (default 0.9). */
  beta1: number;
  /** AdamW only: decay of the second moment (default 0.999). */
  beta2?: number;
  epsilon?: number;
  weightDecay: number;
  warmupSteps: number;
  r: number;
  weightLrPower: number;
  /** 'adamw' normalises by the bias-corrected root of v; 'sgd' uses the raw gradient. */
  kind: 'adamw' | 'sgd';
}

/**
 * The Schedule-Free step (schedulefree 1.4, `AdamWScheduleFree` / `SGDScheduleFree`,
 * memory form: the parameter holds y, the state holds z).
 *
 * Notation: k group step, γ = lr·min(1, (k+1)/warmup), γmax running max, wₖ = (k+1)^r·γmax^p,
 * c = wₖ/Σw, g gradient at y.
 *
 *   AdamW: v ← β2v + (1−β2)g²;  d = g/(√(v/(1−β2^(k+1))) + ε)      SGD: d = g
 *   d ← d + λy
 *   y ← y + c(z − y) + γ(β(1−c) − 1)·d;  z ← z − γd
 *
 * Equivalent to the explicit form z ← z − γd, x ← (1−c)x + cz, y = βx + (1−β)z
 * (`*Reference` classes), which the fixtures use. v1.3+ numerics (bias-corrected
 * v; the paper's ≤ v1.2 version scales γ by √(1−β2^(k+1)) instead).
 */
export function scheduleFreeTransform(o: ScheduleFreeOptions, ctx: BuildContext): GradientTransformation {
  const { beta1, beta2 = 0.999, epsilon = 1e-8, weightDecay, warmupSteps, r, weightLrPower, kind } = o;
  return {
    init: () => ({ sf: 1, beta1, k: 0, lrMax: -1, weightSum: 0 }),
    update(updates, state, params) {
      const k0 = (state.k as number | undefined) ?? 0;
      const sched = warmupSteps > 0 && k0 < warmupSteps ? (k0 + 1) / warmupSteps : 1;
      const lr = ctx.lr() * sched;
      const { k, lrMax, weightSum, c } = weights(state, lr, r, weightLrPower);
      const yLr = lr * (beta1 * (1 - c) - 1);
      const bc2 = 1 - Math.pow(beta2, k + 1);
      const [out, slots] = perVariable(
        updates,
        state.slots as StateTree | undefined,
        (g, name) => {
          const y = params?.[name] ?? g;
          const s: StateTree = { z: tf.clone(y) };
          if (kind === 'adamw') s.v = tf.zerosLike(g);
          return s;
        },
        (g, s, name) => {
          const y = params?.[name];
          if (!y) throw new TypeError(`${ctx.name}: schedule-free needs the parameters in update().`);
          let d: tf.Tensor = g;
          const next: StateTree = {};
          if (kind === 'adamw') {
            const v = tf.add(tf.mul(s.v as tf.Tensor, beta2), tf.mul(tf.square(g), 1 - beta2));
            next.v = v;
            d = tf.div(g, tf.add(tf.sqrt(tf.mul(v, 1 / bc2)), epsilon));
          }
          if (weightDecay !== 0) d = tf.add(d, tf.mul(y, weightDecay));
          const z = s.z as tf.Tensor;
          next.z = tf.sub(z, tf.mul(d, lr));
          return [tf.add(tf.mul(tf.sub(z, y), c), tf.mul(d, yLr)), next];
        },
      );
      return [out, { sf: 1, beta1, k: k + 1, lrMax, weightSum, slots }];
    },
  };
}

/** Every Schedule-Free node `{ sf, beta1, slots: { name: { z } } }` in a state tree. */
function sfNodes(s: StateTree, out: StateTree[] = []): StateTree[] {
  if (s.sf === 1 && s.slots) out.push(s);
  for (const v of Object.values(s)) if (v && typeof v === 'object' && !(v instanceof tf.Tensor)) sfNodes(v as StateTree, out);
  return out;
}

/**
 * A Schedule-Free optimizer: the variables hold y while training; `eval()`
 * swaps them to the averaged x = y + (1 − 1/β)(z − y) for evaluation and
 * checkpoints, `train()` swaps back (y = x + (1 − β)(z − x)). Starts in train
 * mode (like `SGDScheduleFreeReference`; the current `AdamWScheduleFree`
 * starts in eval mode and needs `train()` first). Stepping in eval mode
 * throws. The mode is part of `getWeights()`.
 */
export class ScheduleFreeOptimizer extends TransformOptimizer {
  #train = true;

  /** Whether the variables currently hold y (training point). */
  get isTraining(): boolean {
    return this.#train;
  }

  #swap(toEval: boolean): void {
    const registered = tf.engine().registeredVariables;
    for (const node of sfNodes(this.state)) {
      const b = node.beta1 as number;
      const w = toEval ? 1 - 1 / b : 1 - b;
      for (const [name, slot] of Object.entries(node.slots as StateTree)) {
        const v = registered[name];
        const z = (slot as StateTree).z as tf.Tensor | undefined;
        if (!v || !z) continue;
        tf.tidy(() => v.assign(tf.add(v, tf.mul(tf.sub(z, v), w))));
      }
    }
  }

  /** Variables ← x (the averaged point to evaluate). No-op if already in eval mode. */
  eval(): void {
    if (!this.#train) return;
    this.#swap(true);
    this.#train = false;
  }

  /** Variables ← y (the point gradients are taken at). No-op if already in train mode. */
  train(): void {
    if (this.#train) return;
    this.#swap(false);
    this.#train = true;
  }

  protected override step(grads: TensorRecord, vars: Record<string, tf.Variable>): void {
    if (!this.#train) throw new Error(`${this.label}: step in eval mode; call optimizer.train() before training (Schedule-Free swaps weights for evaluation).`);
    super.step(grads, vars);
  }

  override getWeightsSync(): NamedTensor[] {
    return [...super.getWeightsSync(), { name: 'n:__trainMode', tensor: tf.scalar(this.#train ? 1 : 0, 'int32') }];
  }

  override setWeightsSync(weightValues: NamedTensor[]): void {
    const mode = weightValues.find((w) => w.name === 'n:__trainMode');
    super.setWeightsSync(weightValues.filter((w) => w !== mode));
    if (mode) this.#train = mode.tensor.dataSync()[0] === 1;
  }
}

const common = {
  warmupSteps: z.number().int().min(0).default(0).describe('Linear warmup steps built into the step size.'),
  r: z.number().min(0).default(0).describe('Power r of (k+1) in the averaging weights.'),
  weightLrPower: z.number().min(0).default(2).describe('Power of the max learning rate in the averaging weights.'),
  weightDecay: z.number().min(0).default(0).describe('Weight decay λ, applied to the gradient at y.'),
  paramGroups: paramGroupsField,
};

/**
 * Schedule-Free AdamW (schedulefree 1.4 `AdamWScheduleFree`, v1.3+ numerics).
 * No learning-rate schedule is needed; call `eval()` before evaluating or
 * checkpointing and `train()` after (the trainer does).
 *
 * @see https://arxiv.org/abs/2405.15682
 */
export const { plugin: scheduleFreeAdamw, Optimizer: ScheduleFreeAdamWOptimizer } = defineOptimizer({
  name: 'schedule-free-adamw',
  className: 'Tessera.ScheduleFreeAdamW',
  summary: 'Schedule-Free AdamW: interpolation/averaging instead of a schedule; train()/eval() swap (schedulefree 1.4).',
  paper: { title: 'The Road Less Scheduled', arxiv: '2405.15682', year: 2024 },
  params: z.strictObject({
    learningRate: learningRateField(0.0025, 'Learning rate γ (official default 0.0025).'),
    beta1: z.number().gt(0).lt(1).default(0.9).describe('Interpolation β between the average x and the base iterate z.'),
    beta2: z.number().min(0).lt(1).default(0.999).describe('Decay of the second moment.'),
    epsilon: z.number().min(0).default(1e-8).describe('ε added to the root.'),
    ...common,
  }),
  base: ScheduleFreeOptimizer,
  build: (hp, ctx) => scheduleFreeTransform({ ...hp, kind: 'adamw' }, ctx),
});

/**
 * Schedule-Free SGD (schedulefree 1.4 `SGDScheduleFree`).
 *
 * @see https://arxiv.org/abs/2405.15682
 */
export const { plugin: scheduleFreeSgd, Optimizer: ScheduleFreeSgdOptimizer } = defineOptimizer({
  name: 'schedule-free-sgd',
  className: 'Tessera.ScheduleFreeSGD',
  summary: 'Schedule-Free SGD: momentum through interpolation and averaging; train()/eval() swap (schedulefree 1.4).',
  paper: { title: 'The Road Less Scheduled', arxiv: '2405.15682', year: 2024 },
  params: z.strictObject({
    learningRate: learningRateField(1.0, 'Learning rate γ (official default 1.0; 10–50× a scheduled SGD rate).'),
    momentum: z.number().gt(0).lt(1).default(0.9).describe('Interpolation β between the average x and the base iterate z.'),
    ...common,
  }),
  base: ScheduleFreeOptimizer,
  build: (hp, ctx) => scheduleFreeTransform({ ...hp, beta1: hp.momentum, kind: 'sgd' }, ctx),
});

/**
 * Schedule-Free wrapper around any base optimizer (schedulefree
 * `ScheduleFreeWrapperReference`): the base optimizer steps z (its own
 * gradient transformation, evaluated with params = z and the gradient taken
 * at y); x and y follow as in Schedule-Free. Turn the base optimizer's
 * momentum off. `weight_decay_at_y` is not offered.
 *
 *   z ← z + base(g);  c = wₖ/Σw;  x ← (1−c)x + cz;  y = βx + (1−β)z
 *
 * @see https://arxiv.org/abs/2405.15682
 */
export const { plugin: scheduleFree, Optimizer: ScheduleFreeWrapperOptimizer } = defineOptimizer({
  name: 'schedule-free',
  className: 'Tessera.ScheduleFreeWrapper',
  summary: 'Schedule-Free wrapper: any base optimizer steps z; y/x interpolation and averaging on top; train()/eval() swap.',
  paper: { title: 'The Road Less Scheduled', arxiv: '2405.15682', year: 2024 },
  params: z.strictObject({
    learningRate: learningRateField(1e-3, "The base optimizer's learning rate (also sets the averaging weights)."),
    momentum: z.number().gt(0).lt(1).default(0.9).describe('Interpolation β.'),
    r: z.number().min(0).default(0).describe('Power r of (k+1) in the averaging weights.'),
    weightLrPower: z.number().min(0).default(2).describe('Power of the max learning rate in the averaging weights.'),
    baseOptimizer: z.string().default('adam').describe('Registry name of the base optimizer.'),
    baseParams: z.record(z.string(), z.unknown()).default({}).describe('Hyperparameters of the base optimizer.'),
    paramGroups: paramGroupsField,
  }),
  base: ScheduleFreeOptimizer,
  build: (hp, ctx): GradientTransformation => {
    const base = buildBase(hp.baseOptimizer, { ...hp.baseParams, learningRate: 0 }, ctx, 'optimizer "schedule-free"');
    const beta = hp.momentum;
    return {
      init: () => ({ sf: 1, beta1: beta, k: 0, lrMax: -1, weightSum: 0, base: base.init({}) }),
      update(updates, state, params) {
        const ps = params ?? {};
        const { k, lrMax, weightSum, c } = weights(state, ctx.lr(), hp.r, hp.weightLrPower);
        const slotsOld = (state.slots as StateTree | undefined) ?? {};
        const zs: TensorRecord = {};
        for (const n of Object.keys(updates)) zs[n] = ((slotsOld[n] as StateTree | undefined)?.z as tf.Tensor | undefined) ?? ps[n]!;
        const [delta, baseState] = base.update(updates, (state.base as StateTree | undefined) ?? base.init({}), zs);
        const slots: StateTree = { ...slotsOld };
        const out: TensorRecord = {};
        for (const [n, dz] of Object.entries(delta)) {
          const y = ps[n]!;
          const zOld = zs[n]!;
          const zNew = tf.add(zOld, dz);
          const x = tf.div(tf.sub(y, tf.mul(zOld, 1 - beta)), beta);
          const xNew = tf.add(tf.mul(x, 1 - c), tf.mul(zNew, c));
          const yNew = tf.add(tf.mul(xNew, beta), tf.mul(zNew, 1 - beta));
          out[n] = tf.sub(yNew, y);
          slots[n] = { z: zNew };
        }
        return [out, { sf: 1, beta1: beta, k: k + 1, lrMax, weightSum, base: baseState, slots }];
      },
    };
  },
});

export const scheduleFreeClasses: OptimizerClass[] = [ScheduleFreeAdamWOptimizer, ScheduleFreeSgdOptimizer, ScheduleFreeWrapperOptimizer];

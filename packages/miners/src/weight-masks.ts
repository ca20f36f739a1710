import * as tf from '@tensorflow/tfjs-core';
import { z } from '@tessera/core';

/** Python's `round` (half to even), which `torch.nn.utils.prune` uses for the count `round(amount·n)`. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Whether an optimizer weight named `slot` belongs to the variable `variable`:
 * tfjs names slots `<variable>/momentum`, Tessera's optimizers `<variable>/#…`
 * (older builds: a path segment equal to the URI-encoded variable name).
 */
export function slotOf(slot: string, variable: string): boolean {
  return slot.startsWith(`${variable}/`) || slot.split('/').includes(encodeURIComponent(variable));
}

/** Hyperparameters shared by the pruning callbacks: which variables are prunable. */
export const prunableParams = {
  exclude: z.array(z.string().min(1).max(200)).max(100).default([]).describe('Regular expressions; variables whose name matches one are never pruned (e.g. the output layer).'),
  minRank: z.number().int().min(1).max(8).default(2).describe('Only variables of at least this rank are pruned (2: weight matrices and kernels; biases and norm gains are kept).'),
};

/**
 * Binary masks over the prunable variables of a model, keyed by variable
 * name: applied to the weights after every step, to the gradients before
 * every step, and to the optimizer's slots (momentum, Adam moments) when
 * they change, so a pruned weight stays exactly zero. Saved in checkpoints
 * through `getState`/`setState`.
 */
export class WeightMasks {
  readonly masks = new Map<string, tf.Tensor>();
  readonly #exclude: RegExp[];

  constructor(private readonly opts: { exclude: readonly string[]; minRank: number }) {
    this.#exclude = opts.exclude.map((s) => new RegExp(s));
  }

  prunable(vars: readonly tf.Variable[]): tf.Variable[] {
    return vars.filter((v) => v.rank >= this.opts.minRank && !this.#exclude.some((r) => r.test(v.name)));
  }

  /** Creates all-ones masks for prunable variables that have none (restored masks are kept). */
  ensure(vars: readonly tf.Variable[]): tf.Variable[] {
    const list = this.prunable(vars);
    for (const v of list) if (!this.masks.has(v.name)) this.masks.set(v.name, tf.ones(v.shape));
    return list;
  }

  /** `v ← v ⊙ m` for every masked variable. */
  applyToWeights(vars: readonly tf.Variable[]): void {
    for (const v of vars) {
      const m = this.masks.get(v.name);
      if (m) tf.tidy(() => v.assign(tf.mul(v, m)));
    }
  }

  /** Gradients with masked entries zeroed (new tensors for masked variables, the others as given). */
  maskGradients(grads: tf.NamedTensorMap): tf.NamedTensorMap {
    const out: tf.NamedTensorMap = {};
    for (const [name, g] of Object.entries(grads)) {
      const m = this.masks.get(name);
      out[name] = m && g ? tf.mul(g, m) : g!;
    }
    return out;
  }

  /**
   * Zeroes the optimizer's slots at masked positions: every optimizer weight
   * that belongs to a masked variable ({@link slotOf}) and has its shape.
   * tfjs optimizers return their slot variables (assigned in place);
   * Tessera's TransformOptimizer returns state tensors (replaced through
   * `setWeights`).
   */
  async maskOptimizer(optimizer: tf.Optimizer, vars: readonly tf.Variable[]): Promise<void> {
    const probe = tf.scalar(0);
    const firstNew = probe.id;
    probe.dispose();
    const weights = await optimizer.getWeights();
    const byName = vars.filter((v) => this.masks.has(v.name)).map((v) => ({ v }));
    const masked: { name: string; tensor: tf.Tensor }[] = [];
    let replace = false;
    for (const w of weights) {
      const hit = byName.find(({ v }) => slotOf(w.name, v.name) && w.tensor.shape.length === v.shape.length && w.tensor.shape.every((d, i) => d === v.shape[i]));
      if (!hit) {
        masked.push(w);
        continue;
      }
      const m = this.masks.get(hit.v.name)!;
      if (w.tensor instanceof tf.Variable) {
        const slot = w.tensor;
        tf.tidy(() => slot.assign(tf.mul(slot, m)));
        masked.push(w);
      } else {
        replace = true;
        masked.push({ name: w.name, tensor: tf.tidy(() => tf.mul(w.tensor, m)) });
      }
    }
    if (replace) await optimizer.setWeights(masked);
    const fresh = new Set(weights.map((w) => w.tensor));
    tf.dispose(masked.filter((w) => !fresh.has(w.tensor)).map((w) => w.tensor));
    tf.dispose(weights.map((w) => w.tensor).filter((t) => t.id > firstNew && !(t instanceof tf.Variable)));
  }

  /** Replaces one mask (disposing the old one). */
  set(name: string, mask: tf.Tensor): void {
    const old = this.masks.get(name);
    this.masks.set(name, mask);
    if (old && old !== mask) old.dispose();
  }

  /**
   * Prunes by magnitude so that `sparsity` of the prunable weights are zero:
   * exactly `round(s·n)` weights (`torch.nn.utils.prune`'s count, half to even), the
   * smallest `|w|`, over all prunable variables together (`global`) or in
   * each (`layer`). Already-pruned weights rank first, so masks only grow.
   */
  pruneToSparsity(vars: readonly tf.Variable[], sparsity: number, scope: 'global' | 'layer'): void {
    const list = vars.filter((v) => this.masks.has(v.name));
    if (list.length === 0) return;
    const groups = scope === 'global' ? [list] : list.map((v) => [v]);
    for (const group of groups) {
      const total = group.reduce((s, v) => s + v.size, 0);
      const count = roundHalfEven(sparsity * total);
      this.pruneCount(group, count);
    }
  }

  /** Prunes exactly `count` weights of `group` (smallest importance first; pruned weights have importance −1). */
  pruneCount(group: readonly tf.Variable[], count: number, importance?: (v: tf.Variable) => tf.Tensor): void {
    const total = group.reduce((s, v) => s + v.size, 0);
    const k = Math.max(0, Math.min(total, count));
    const masks = tf.tidy(() => {
      const scores = tf.concat(group.map((v) => tf.reshape(tf.where(tf.greater(this.masks.get(v.name)!, 0), importance ? importance(v) : tf.abs(v), tf.fill(v.shape, -1)), [-1])));
      let pruned: tf.Tensor = tf.zeros([total]);
      if (k > 0) {
        const { indices } = tf.topk(tf.neg(scores), k, true);
        pruned = tf.scatterND(tf.reshape(indices, [k, 1]), tf.ones([k]), [total]);
      }
      const keep = tf.sub(1, pruned);
      const out: tf.Tensor[] = [];
      let offset = 0;
      for (const v of group) {
        out.push(tf.reshape(tf.slice(keep, [offset], [v.size]), v.shape));
        offset += v.size;
      }
      return out;
    });
    group.forEach((v, i) => this.set(v.name, masks[i]!));
  }

  /** Number of zeros in the masks (pruned weights) and of masked weights (host read). */
  async counts(): Promise<{ pruned: number; total: number }> {
    let pruned = 0;
    let total = 0;
    for (const m of this.masks.values()) {
      const s = tf.sum(m);
      const kept = (await s.data())[0]!;
      s.dispose();
      pruned += m.size - kept;
      total += m.size;
    }
    return { pruned, total };
  }

  getState(): Record<string, tf.Tensor> {
    return Object.fromEntries(this.masks);
  }

  setState(state: Record<string, tf.Tensor>): void {
    for (const [name, t] of Object.entries(state)) this.set(name, tf.clone(t));
  }

  dispose(): void {
    tf.dispose([...this.masks.values()]);
    this.masks.clear();
  }
}

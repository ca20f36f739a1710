import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs `fn` and asserts that `tf.memory().numTensors` did not grow, apart
 * from the tensors `fn` returns (which are disposed before the check) and
 * `allowed` more (state that is created once, such as optimizer slots).
 * Returns what `fn` returned, already disposed if it held tensors: use it
 * for calls whose result you do not need, or check values inside `fn`.
 */
export async function expectNoLeak<T>(fn: () => T | Promise<T>, opts: { allowed?: number; name?: string } = {}): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await fn();
  const returned: tf.Tensor[] = [];
  const collect = (v: unknown) => {
    if (v instanceof tf.Tensor) returned.push(v);
    else if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) Object.values(v).forEach(collect);
  };
  collect(result);
  tf.dispose(returned.filter((t) => !t.isDisposed));
  const after = tf.memory().numTensors;
  const grown = after - before - (opts.allowed ?? 0);
  if (grown > 0) {
    throw new Error(`${opts.name ?? 'expectNoLeak'}: ${grown} tensor(s) leaked (numTensors ${before} → ${after}, allowed ${opts.allowed ?? 0})`);
  }
  return result;
}

/**
 * Calls `step` `repeats` times after `warmup` calls and asserts that the
 * tensor count is the same after every repeat (state may be created during
 * warm-up, never after).
 */
export async function expectNoGrowth(step: () => unknown | Promise<unknown>, opts: { warmup?: number; repeats?: number; name?: string } = {}): Promise<void> {
  const { warmup = 2, repeats = 3, name = 'expectNoGrowth' } = opts;
  const run = async () => {
    const r = await step();
    if (r instanceof tf.Tensor) r.dispose();
    else if (Array.isArray(r)) tf.dispose(r.filter((x): x is tf.Tensor => x instanceof tf.Tensor));
  };
  for (let i = 0; i < warmup; i++) await run();
  const base = tf.memory().numTensors;
  for (let i = 0; i < repeats; i++) {
    await run();
    const now = tf.memory().numTensors;
    if (now !== base) throw new Error(`${name}: tensor count grew from ${base} to ${now} after repeat ${i + 1}`);
  }
}

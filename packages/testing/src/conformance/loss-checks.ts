import * as tf from '@tensorflow/tfjs-core';
import { ShapeError, type Loss, type LossInputs } from '@tessera/core';
import { expect } from 'vitest';
import { expectNoLeak } from '../expect-no-leak.js';
import type { CheckContext } from '../run-conformance.js';

/** Sizes of generated loss inputs: N samples, C classes, D features, K negatives. */
export const LOSS_SIZES = { N: 6, C: 5, D: 8, K: 3 } as const;

/** A generated value for each standard loss input field (seeded). */
export function generateLossInput(field: string, seed = 1): tf.Tensor {
  const { N, C, D, K } = LOSS_SIZES;
  switch (field) {
    case 'logits':
    case 'teacherLogits':
      return tf.randomNormal([N, C], 0, 2, 'float32', seed);
    case 'labels':
      return tf.tensor1d([0, 1, 2, 3, 4, 1].slice(0, N), 'int32');
    case 'predictions':
      return tf.randomNormal([N, 3], 0, 1, 'float32', seed);
    case 'targets':
      return tf.randomNormal([N, 3], 0, 1, 'float32', seed + 7);
    case 'weights':
      return tf.randomUniform([N], 0.5, 1.5, 'float32', seed);
    case 'embeddings':
    case 'positives':
      return tf.randomNormal([N, D], 0, 1, 'float32', field === 'embeddings' ? seed : seed + 3);
    case 'negatives':
      return tf.randomNormal([N, K, D], 0, 1, 'float32', seed + 5);
    case 'sampleIds':
      return tf.range(0, N, 1, 'int32');
    default:
      throw new Error(`conformance: no generator for loss input "${field}"; give the plugin an override with inputs().`);
  }
}

function inputsFor(ctx: CheckContext): LossInputs {
  if (ctx.override.inputs) return ctx.override.inputs() as LossInputs;
  const io = ctx.manifest.io;
  if (!io) throw new Error(`${ctx.manifest.kind} "${ctx.manifest.name}" declares no io.required; give it an override with inputs().`);
  return Object.fromEntries(io.required.map((f) => [f, generateLossInput(f)]));
}

const values = (t: tf.Tensor) => Array.from(t.dataSync());

export function lossChecks(ctx: CheckContext): void {
  const create = () => ctx.create() as Loss;

  ctx.test('reductions: scalar for mean and sum, one value per sample for none', () => {
    const loss = create();
    const inputs = inputsFor(ctx);
    try {
      const mean = loss.compute(inputs);
      const sum = loss.compute(inputs, { reduction: 'sum' });
      const none = loss.compute(inputs, { reduction: 'none' });
      expect(mean.rank).toBe(0);
      expect(sum.rank).toBe(0);
      expect(none.rank).toBeGreaterThanOrEqual(1);
      for (const t of [mean, sum, none]) expect(values(t).every(Number.isFinite), 'finite').toBe(true);
      tf.dispose([mean, sum, none]);
    } finally {
      tf.dispose(Object.values(inputs) as tf.Tensor[]);
    }
  });

  ctx.test('leaks no tensor', async () => {
    const loss = create();
    const inputs = inputsFor(ctx);
    loss.compute(inputs).dispose(); // lazily created state, if any
    await expectNoLeak(() => loss.compute(inputs), { name: ctx.manifest.name });
    await expectNoLeak(() => loss.compute(inputs, { reduction: 'none' }), { name: ctx.manifest.name });
    tf.dispose(Object.values(inputs) as tf.Tensor[]);
  });

  ctx.test('gradient is finite', () => {
    const loss = create();
    const inputs = inputsFor(ctx);
    const field = ctx.manifest.io?.output ?? Object.keys(inputs).find((k) => inputs[k]!.dtype === 'float32')!;
    const x = inputs[field];
    expect(x, `input "${field}"`).toBeDefined();
    const g = tf.grad((v: tf.Tensor) => loss.compute({ ...inputs, [field]: v }) as tf.Scalar)(x!);
    expect(g.shape).toEqual(x!.shape);
    expect(values(g).every(Number.isFinite)).toBe(true);
    tf.dispose([g, ...(Object.values(inputs) as tf.Tensor[])]);
  });

  ctx.test('deterministic', () => {
    const inputs = inputsFor(ctx);
    const a = create().compute(inputs, { reduction: 'none' });
    const b = create().compute(inputs, { reduction: 'none' });
    expect(values(a)).toEqual(values(b));
    tf.dispose([a, b, ...(Object.values(inputs) as tf.Tensor[])]);
  });

  ctx.test('a missing input fails with an error naming it', () => {
    const required = ctx.manifest.io?.required ?? [];
    expect(required.length, 'io.required lists the inputs').toBeGreaterThan(0);
    const inputs = inputsFor(ctx);
    for (const field of required) {
      const partial = { ...inputs };
      delete partial[field];
      expect(() => create().compute(partial)).toThrow(ShapeError);
      expect(() => create().compute(partial)).toThrow(field);
    }
    tf.dispose(Object.values(inputs) as tf.Tensor[]);
  });
}

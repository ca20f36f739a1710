import * as tf from '@tensorflow/tfjs-core';

export interface CloseOptions {
  /** Relative tolerance (default 1e-4). */
  rtol?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Shown in the failure message. */
  name?: string;
}

type Numeric = tf.Tensor | number | ArrayLike<number> | number[][] | number[][][] | number[][][][];

function flat(x: Numeric): { values: Float64Array; shape: number[] | undefined } {
  if (x instanceof tf.Tensor) return { values: Float64Array.from(x.dataSync() as ArrayLike<number>), shape: x.shape };
  if (typeof x === 'number') return { values: Float64Array.of(x), shape: [] };
  const out: number[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'number') out.push(v);
    else if (v && typeof (v as ArrayLike<unknown>).length === 'number') for (const e of Array.from(v as ArrayLike<unknown>)) walk(e);
    else if (v === null) out.push(Number.NaN);
  };
  walk(x);
  return { values: Float64Array.from(out), shape: undefined };
}

/**
 * Asserts `|actual − expected| ≤ atol + rtol·|expected|` elementwise (NumPy's
 * `allclose`), with NaN equal to NaN and ±Infinity equal to itself. Shapes must
 * agree when both are tensors; otherwise sizes must. Reports the worst element.
 */
export function expectTensorsClose(actual: Numeric, expected: Numeric, opts: CloseOptions = {}): void {
  const { rtol = 1e-4, atol = 1e-5, name = 'tensor' } = opts;
  const a = flat(actual);
  const e = flat(expected);
  if (a.shape && e.shape && (a.shape.length !== e.shape.length || a.shape.some((d, i) => d !== e.shape![i]))) {
    throw new Error(`${name}: shape [${a.shape.join(', ')}] differs from expected [${e.shape.join(', ')}]`);
  }
  if (a.values.length !== e.values.length) {
    throw new Error(`${name}: ${a.values.length} values, expected ${e.values.length}`);
  }
  let worst = -1;
  let worstExcess = 0;
  let bad = 0;
  for (let i = 0; i < a.values.length; i++) {
    const av = a.values[i]!;
    const ev = e.values[i]!;
    if (Number.isNaN(ev) && Number.isNaN(av)) continue;
    if (!Number.isFinite(ev) && av === ev) continue;
    const excess = Math.abs(av - ev) - (atol + rtol * Math.abs(ev));
    if (!(excess <= 0)) {
      bad++;
      if (worst < 0 || !(excess <= worstExcess)) {
        worst = i;
        worstExcess = excess;
      }
    }
  }
  if (bad > 0) {
    const av = a.values[worst]!;
    const ev = e.values[worst]!;
    throw new Error(
      `${name}: ${bad}/${a.values.length} elements differ beyond rtol ${rtol}, atol ${atol}; worst at flat index ${worst}: ` +
        `got ${av}, expected ${ev} (|diff| ${Math.abs(av - ev).toExponential(3)})`,
    );
  }
}

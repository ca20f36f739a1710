import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';

export const TEXT_FILE = new URL('../data/sonnets.txt', import.meta.url);

export interface CharData {
  readonly vocab: string[];
  /** `[N, T]` int32 inputs and `[N, T]` int32 next-character targets. */
  readonly train: { x: tf.Tensor2D; y: tf.Tensor2D };
  readonly validation: { x: tf.Tensor2D; y: tf.Tensor2D };
}

/**
 * Cuts the text into windows of `seqLen + 1` characters (stride `stride`);
 * each window gives an input (the first T characters) and a target (the
 * next T). The last `validationFraction` of the text is held out.
 */
export function loadCharData({ seqLen = 48, stride = 8, validationFraction = 0.1, text = fs.readFileSync(TEXT_FILE, 'utf8') } = {}): CharData {
  const vocab = [...new Set(text)].sort();
  const ids = Array.from(text, (c) => vocab.indexOf(c));
  const cut = Math.floor(ids.length * (1 - validationFraction));
  const windows = (part: number[]) => {
    const xs: number[][] = [];
    const ys: number[][] = [];
    for (let s = 0; s + seqLen + 1 <= part.length; s += stride) {
      xs.push(part.slice(s, s + seqLen));
      ys.push(part.slice(s + 1, s + seqLen + 1));
    }
    return { x: tf.tensor2d(xs, [xs.length, seqLen], 'int32'), y: tf.tensor2d(ys, [ys.length, seqLen], 'int32') };
  };
  return { vocab, train: windows(ids.slice(0, cut)), validation: windows(ids.slice(cut)) };
}

import { z } from '@tessera/core';

/** Keras' monitor settings, shared by early-stopping and checkpoint. */
export const monitorParams = {
  monitor: z.string().min(1).max(200).default('val_loss').describe('Metric read from the logs (Keras default val_loss).'),
  mode: z.enum(['auto', 'min', 'max']).default('auto').describe('Whether lower or higher is better; auto: max for metrics containing "acc" or starting with "fmeasure", else min (Keras).'),
};

/** Keras' `auto` rule. */
export function resolveMode(mode: 'auto' | 'min' | 'max', monitor: string): 'min' | 'max' {
  if (mode !== 'auto') return mode;
  return monitor.includes('acc') || monitor.startsWith('fmeasure') ? 'max' : 'min';
}

/** `current` improves on `reference` by more than `minDelta` (Keras `_is_improvement`). */
export function improves(mode: 'min' | 'max', current: number, reference: number, minDelta = 0): boolean {
  return mode === 'max' ? current - minDelta > reference : current + minDelta < reference;
}

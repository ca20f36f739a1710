import type { RunSummary } from '../run/run-training.js';

/** One configuration of a sweep, over its seeds. */
export interface LeaderboardRow {
  readonly rank: number;
  readonly label: string;
  /** Seeds that finished (completed or stopped by max-steps / a callback). */
  readonly runs: number;
  readonly mean: number;
  /** Sample standard deviation over seeds (n − 1); 0 for one seed. */
  readonly std: number;
  readonly values: readonly number[];
  readonly stepsPerSecond: number;
  readonly finalLoss: number;
}

/** Mean and sample standard deviation (n − 1 in the denominator; 0 when n = 1). */
export function meanStd(values: readonly number[]): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN };
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { mean, std: 0 };
  const ss = values.reduce((a, v) => a + (v - mean) ** 2, 0);
  return { mean, std: Math.sqrt(ss / (n - 1)) };
}

/**
 * Groups runs by configuration and ranks the configurations by the mean of
 * the final `metric` over seeds (`min`: smaller is better). Runs that were
 * interrupted or lack the metric are left out of the mean; configurations
 * with no finished run rank last.
 */
export function leaderboard(
  runs: readonly { label: string; seed: number; summary?: RunSummary | undefined }[],
  metric: string,
  mode: 'min' | 'max',
): LeaderboardRow[] {
  const groups = new Map<string, RunSummary[]>();
  for (const r of runs) {
    if (!groups.has(r.label)) groups.set(r.label, []);
    if (r.summary && r.summary.stopReason !== 'interrupted' && Number.isFinite(r.summary.final[metric])) groups.get(r.label)!.push(r.summary);
  }
  const rows = [...groups.entries()].map(([label, ss]) => {
    const values = ss.map((s) => s.final[metric]!);
    const { mean, std } = meanStd(values);
    return {
      label,
      runs: ss.length,
      mean,
      std,
      values,
      stepsPerSecond: meanStd(ss.map((s) => s.stepsPerSecond)).mean,
      finalLoss: meanStd(ss.map((s) => s.final['loss'] ?? NaN)).mean,
    };
  });
  const score = (m: number) => (Number.isNaN(m) ? Infinity : mode === 'min' ? m : -m);
  rows.sort((a, b) => score(a.mean) - score(b.mean));
  return rows.map((r, i) => ({ rank: i + 1, ...r }));
}

const num = (v: number, digits = 4) => (Number.isFinite(v) ? v.toFixed(digits) : '—');

/** The leaderboard as a Markdown table. */
export function leaderboardMarkdown(rows: readonly LeaderboardRow[], metric: string, mode: 'min' | 'max'): string {
  const head = `| # | configuration | ${metric} (mean ± std, ${mode === 'min' ? 'lower' : 'higher'} is better) | seeds | final train loss | steps/s |`;
  const lines = rows.map((r) => `| ${r.rank} | ${r.label} | ${num(r.mean)} ± ${num(r.std)} | ${r.runs} | ${num(r.finalLoss)} | ${num(r.stepsPerSecond, 1)} |`);
  return [head, '|---|---|---|---|---|---|', ...lines].join('\n');
}

import fs from 'node:fs';
import path from 'node:path';
import type { MetricRecord } from '@tessera/core';
import { readMetrics, type RunSummary } from '../run/run-training.js';
import { leaderboard, type LeaderboardRow } from '../sweep/leaderboard.js';
import type { SweepManifest } from '../sweep/run-sweep.js';
import { barPlot, linePlot, PALETTE, type PlotSpec, type Series } from './svg-plot.js';

/** One run as the report sees it. */
export interface ReportRun {
  readonly id: string;
  readonly label: string;
  readonly seed: number;
  readonly summary?: RunSummary;
  /** Deduplicated metric records (after a resume, the last write of a step wins), by step. */
  readonly records: readonly MetricRecord[];
}

export interface ReportData {
  readonly title: string;
  readonly metric: string;
  readonly mode: 'min' | 'max';
  readonly runs: readonly ReportRun[];
  readonly leaderboard: readonly LeaderboardRow[];
}

const readJson = <T>(file: string): T | undefined => (fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as T) : undefined);

/** Keeps the last value of every (split, step, metric); the steps a resume re-ran replace the first attempt. */
export function dedupeRecords(records: readonly MetricRecord[]): MetricRecord[] {
  const byKey = new Map<string, MetricRecord>();
  for (const r of records) {
    const key = `${r.split}:${r.step}`;
    const prior = byKey.get(key);
    byKey.set(key, prior ? { ...r, metrics: { ...prior.metrics, ...r.metrics } } : r);
  }
  return [...byKey.values()].sort((a, b) => a.step - b.step || (a.split === b.split ? 0 : a.split === 'train' ? -1 : 1));
}

/** Reads a sweep folder (`sweep.json`, `runs/<id>/`) or a single run folder (`metrics.jsonl`). */
export function collectReport(dir: string): ReportData {
  const sweep = readJson<SweepManifest>(path.join(dir, 'sweep.json'));
  if (sweep) {
    const runs = sweep.runs.map((r) => {
      const runDir = path.join(dir, 'runs', r.id);
      const summary = readJson<RunSummary>(path.join(runDir, 'summary.json'));
      return { id: r.id, label: r.label, seed: r.seed, ...(summary ? { summary } : {}), records: dedupeRecords(readMetrics(path.join(runDir, 'metrics.jsonl'))) };
    });
    const rows = leaderboard(runs, sweep.metric, sweep.mode);
    return { title: `Sweep ${sweep.name}`, metric: sweep.metric, mode: sweep.mode, runs, leaderboard: rows };
  }
  if (fs.existsSync(path.join(dir, 'metrics.jsonl'))) {
    const summary = readJson<RunSummary>(path.join(dir, 'summary.json'));
    const config = readJson<{ metric?: string; name?: string }>(path.join(dir, 'config.json'));
    const label = summary?.name ?? config?.name ?? path.basename(path.resolve(dir));
    const run: ReportRun = { id: label, label, seed: summary?.seed ?? 0, ...(summary ? { summary } : {}), records: dedupeRecords(readMetrics(path.join(dir, 'metrics.jsonl'))) };
    const metric = config?.metric ?? 'val_loss';
    const mode = /acc|recall|precision|f1|auc|ndcg|map/i.test(metric) ? 'max' : 'min';
    return { title: `Run ${label}`, metric, mode, runs: [run], leaderboard: leaderboard([run], metric, mode) };
  }
  throw new Error(`${dir} is neither a run folder (metrics.jsonl) nor a sweep folder (sweep.json).`);
}

/** Exponential moving average with bias correction (TensorBoard's smoothing). */
export function smooth(points: readonly (readonly [number, number])[], weight: number): [number, number][] {
  let ema = 0;
  let norm = 0;
  return points.map(([x, y]) => {
    ema = weight * ema + (1 - weight) * y;
    norm = weight * norm + (1 - weight);
    return [x, ema / norm];
  });
}

/** At most `max` points, evenly spaced, always keeping the last. */
function thin<T>(xs: readonly T[], max = 400): T[] {
  if (xs.length <= max) return [...xs];
  const stride = xs.length / max;
  const out = Array.from({ length: max }, (_, i) => xs[Math.floor(i * stride)]!);
  out.push(xs[xs.length - 1]!);
  return out;
}

const seriesOf = (run: ReportRun, split: 'train' | 'val', metric: string) =>
  run.records.filter((r) => r.split === split && Number.isFinite(r.metrics[metric])).map((r) => [r.step, r.metrics[metric]!] as const);

/** The plots of a report: training loss, every validation metric, learning rate. */
export function reportPlots(data: ReportData): PlotSpec[] {
  const labels = [...new Set(data.runs.map((r) => r.label))];
  const color = (label: string) => PALETTE[labels.indexOf(label) % PALETTE.length]!;
  const many = data.runs.length > labels.length;
  // With several seeds: every seed faint, and the mean over seeds (at the steps all of them logged) bold.
  const make = (split: 'train' | 'val', metric: string, transform = (p: (readonly [number, number])[]) => p): Series[] => {
    const perRun = data.runs.map((r) => ({
      name: many ? `${r.label} (seed ${r.seed})` : r.label,
      group: r.label,
      color: color(r.label),
      points: thin(transform([...seriesOf(r, split, metric)])),
      width: many ? 1 : 1.8,
      ...(many ? { opacity: 0.35 } : {}),
    }));
    if (!many) return perRun;
    const means: Series[] = labels.map((label) => {
      const runs = data.runs.filter((r) => r.label === label).map((r) => new Map(transform([...seriesOf(r, split, metric)])));
      const steps = [...(runs[0]?.keys() ?? [])].filter((s) => runs.every((m) => m.has(s)));
      const points = steps.map((s) => [s, runs.reduce((a, m) => a + m.get(s)!, 0) / runs.length] as const);
      return { name: `${label} (mean of ${runs.length})`, group: label, color: color(label), points: thin(points), width: 2.2 };
    });
    return [...perRun, ...means];
  };
  const plots: PlotSpec[] = [];
  const trainLoss = make('train', 'loss', (p) => smooth(p, 0.6));
  plots.push({ id: 'train-loss', title: 'Training loss (EMA 0.6)', xLabel: 'step', yLabel: 'loss', series: trainLoss, logY: positive(trainLoss) && spread(trainLoss) > 20 });
  const valMetrics = [...new Set(data.runs.flatMap((r) => r.records.filter((x) => x.split === 'val').flatMap((x) => Object.keys(x.metrics))))].sort();
  for (const m of valMetrics) {
    plots.push({ id: `val-${m}`, title: `Validation ${m.replace(/_/g, ' ')}`, xLabel: 'step', yLabel: m, series: make('val', m) });
  }
  const lr: Series[] = data.runs.map((r) => {
    let points = seriesOf(r, 'train', 'lr');
    const fixed = r.summary?.plugins && !Array.isArray(r.summary.plugins['optimizer']) ? (r.summary.plugins['optimizer'] as { params: Record<string, unknown> }).params['learningRate'] : undefined;
    if (points.length === 0 && typeof fixed === 'number') {
      const steps = seriesOf(r, 'train', 'loss').map((p) => p[0]);
      points = steps.length ? [[steps[0]!, fixed], [steps[steps.length - 1]!, fixed]] : [];
    }
    return { name: many ? `${r.label} (seed ${r.seed})` : r.label, group: r.label, color: color(r.label), points: thin(points), width: 1.6 };
  });
  plots.push({ id: 'learning-rate', title: 'Learning rate', xLabel: 'step', yLabel: 'learning rate', series: lr, logY: positive(lr) && spread(lr) > 20 });
  return plots;
}

function positive(series: readonly Series[]): boolean {
  return series.every((s) => s.points.every(([, y]) => y > 0));
}
function spread(series: readonly Series[]): number {
  const ys = series.flatMap((s) => s.points.map(([, y]) => y));
  return ys.length ? Math.max(...ys) / Math.max(Math.min(...ys), 1e-30) : 1;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (v: number | undefined, d = 4) => (v !== undefined && Number.isFinite(v) ? v.toFixed(d) : '—');

/** The leaderboard as bars: mean of the final metric ± std over seeds, in rank order, coloured like the curves. */
export function leaderboardSvg(data: ReportData): string {
  const labels = [...new Set(data.runs.map((r) => r.label))];
  return barPlot({
    id: 'leaderboard',
    title: `Final ${data.metric} (mean ± std over seeds)`,
    xLabel: `${data.metric} (${data.mode === 'min' ? 'lower' : 'higher'} is better)`,
    bars: data.leaderboard.map((r) => ({ label: r.label, mean: r.mean, std: r.std, color: PALETTE[labels.indexOf(r.label) % PALETTE.length]! })),
  });
}

/** The self-contained HTML page: inline SVG plots, inline CSS and JS, no network. */
export function reportHtml(data: ReportData, plots: readonly PlotSpec[], pngs: readonly string[] = []): string {
  const svgs = plots.map((p) => `<figure>${linePlot(p)}</figure>`).join('\n');
  const lb = data.leaderboard
    .map(
      (r) =>
        `<tr><td>${r.rank}</td><td>${esc(r.label)}</td><td>${num(r.mean)} ± ${num(r.std)}</td><td>${r.runs}</td><td>${num(r.finalLoss)}</td><td>${num(r.stepsPerSecond, 1)}</td></tr>`,
    )
    .join('\n');
  const runs = data.runs
    .map((r) => {
      const s = r.summary;
      const finals = s ? Object.entries(s.final).filter(([k]) => k !== 'lr').map(([k, v]) => `${esc(k)} ${num(v)}`).join(', ') : '';
      return `<tr><td>${esc(r.id)}</td><td>${r.seed}</td><td>${s ? esc(s.stopReason) : 'not run'}</td><td>${s?.steps ?? '—'}</td><td>${finals}</td><td>${num(s?.stepsPerSecond, 1)}</td><td>${esc(s?.backend ?? '')}</td></tr>`;
    })
    .join('\n');
  const info = data.runs.find((r) => r.summary)?.summary;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(data.title)} — Tessera report</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;margin:24px;color:#222;background:#fafafa}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.sub{color:#666;font-size:13px}
.plots{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:12px}
figure{margin:0;background:#fff;border:1px solid #ddd;border-radius:6px;padding:4px}
svg{max-width:100%;height:auto}
table{border-collapse:collapse;font-size:13px;background:#fff}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:left}th{background:#f0f0f0}
tr:first-child td{font-weight:bold}
.legend{cursor:pointer}.off{opacity:.12}
</style></head><body>
<h1>${esc(data.title)}</h1>
<div class="sub">${data.runs.length} run${data.runs.length === 1 ? '' : 's'}${info ? ` · ${esc(info.data)} · backend ${esc(info.backend)}` : ''} · ranked by ${esc(data.metric)} (${data.mode === 'min' ? 'lower' : 'higher'} is better) · click a legend entry to hide a configuration</div>
<h2>Curves</h2>
<div class="plots">
${svgs}
</div>
<h2>Leaderboard</h2>
<div class="plots"><figure>${leaderboardSvg(data)}</figure></div>
<table id="leaderboard"><thead><tr><th>#</th><th>configuration</th><th>${esc(data.metric)} (mean ± std)</th><th>seeds</th><th>final train loss</th><th>steps/s</th></tr></thead><tbody>
${lb}
</tbody></table>
<h2>Runs</h2>
<table><thead><tr><th>run</th><th>seed</th><th>status</th><th>steps</th><th>final metrics</th><th>steps/s</th><th>backend</th></tr></thead><tbody>
${runs}
</tbody></table>
${pngs.length ? `<p class="sub">PNG exports: ${pngs.map((p) => `<a href="${esc(p)}">${esc(p)}</a>`).join(' · ')}</p>` : ''}
<script>
document.querySelectorAll('.legend').forEach(function (el) {
  el.addEventListener('click', function () {
    var g = el.getAttribute('data-group');
    document.querySelectorAll('[data-group]').forEach(function (n) {
      if (n.getAttribute('data-group') === g) n.classList.toggle('off');
    });
  });
});
</script>
</body></html>
`;
}

/** Renders an SVG to PNG with resvg (prebuilt binary from npm); undefined when it cannot be loaded here. */
export async function svgToPng(svg: string): Promise<Buffer | undefined> {
  try {
    const { Resvg } = await import('@resvg/resvg-js');
    return Buffer.from(new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, fitTo: { mode: 'zoom', value: 2 } }).render().asPng());
  } catch {
    return undefined;
  }
}

export interface ReportResult {
  readonly html: string;
  readonly pngs: readonly string[];
  readonly data: ReportData;
}

/** Writes `report.html` and `plots/<id>.png` (unless `png` is false) into the folder. */
export async function writeReport(dir: string, opts: { png?: boolean; out?: string } = {}): Promise<ReportResult> {
  const data = collectReport(dir);
  const plots = reportPlots(data);
  const pngs: string[] = [];
  if (opts.png !== false) {
    fs.mkdirSync(path.join(dir, 'plots'), { recursive: true });
    const svgs: [string, string][] = [...plots.map((p) => [p.id, linePlot(p)] as [string, string]), ['leaderboard', leaderboardSvg(data)]];
    for (const [id, svg] of svgs) {
      const png = await svgToPng(svg);
      if (!png) break;
      const rel = `plots/${id}.png`;
      fs.writeFileSync(path.join(dir, rel), png);
      pngs.push(rel);
    }
  }
  const html = opts.out ?? path.join(dir, 'report.html');
  fs.writeFileSync(html, reportHtml(data, plots, pngs));
  return { html, pngs: pngs.map((p) => path.join(dir, p)), data };
}

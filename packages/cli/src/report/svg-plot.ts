/** One line of a plot. */
export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number])[];
  /** Group key for the legend toggle in the HTML report (runs of one configuration share it). */
  readonly group?: string;
  readonly dashed?: boolean;
  readonly width?: number;
  /** Stroke opacity (seeds drawn faintly under their mean). */
  readonly opacity?: number;
}

export interface PlotSpec {
  readonly id: string;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  readonly logY?: boolean;
  readonly width?: number;
  readonly height?: number;
}

/** Tableau 10: distinguishable, colour-blind-aware. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** "Nice" tick values covering [lo, hi] (1, 2, 5 × 10^k steps). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi === lo) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

const fmtTick = (v: number) => {
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(1);
  return String(Number(v.toPrecision(4)));
};

/**
 * A line plot as a standalone SVG string (white background, axis ticks and
 * labels, a legend): embedded inline in the HTML report and rendered to PNG.
 */
export function linePlot(spec: PlotSpec): string {
  const W = spec.width ?? 560;
  const H = spec.height ?? 340;
  const m = { l: 72, r: 16, t: 34, b: 48 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const ty = (y: number) => (spec.logY ? Math.log10(Math.max(y, 1e-12)) : y);
  const pts = spec.series.flatMap((s) => s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!spec.logY || y > 0)));
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" data-plot="${esc(spec.id)}">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold" fill="#222">${esc(spec.title)}</text>`,
  ];
  if (pts.length === 0) {
    parts.push(`<text x="${W / 2}" y="${H / 2}" text-anchor="middle" font-size="13" fill="#888">no data</text></svg>`);
    return parts.join('');
  }
  let [x0, x1] = [Math.min(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[0]))];
  let [y0, y1] = [Math.min(...pts.map((p) => ty(p[1]))), Math.max(...pts.map((p) => ty(p[1])))];
  if (x1 === x0) [x0, x1] = [x0 - 1, x1 + 1];
  if (y1 === y0) [y0, y1] = [y0 - Math.abs(y0 || 1) * 0.1, y1 + Math.abs(y1 || 1) * 0.1];
  const pad = (y1 - y0) * 0.05;
  [y0, y1] = [y0 - pad, y1 + pad];
  const sx = (x: number) => m.l + ((x - x0) / (x1 - x0)) * pw;
  const sy = (y: number) => m.t + ph - ((ty(y) - y0) / (y1 - y0)) * ph;
  // Grid and ticks.
  parts.push(`<g font-size="11" fill="#555">`);
  for (const t of niceTicks(x0, x1)) {
    const x = sx(t).toFixed(1);
    parts.push(`<line x1="${x}" x2="${x}" y1="${m.t}" y2="${m.t + ph}" stroke="#eee"/>`);
    parts.push(`<text x="${x}" y="${m.t + ph + 16}" text-anchor="middle">${fmtTick(t)}</text>`);
  }
  const yTicks = spec.logY ? niceTicks(Math.floor(y0), Math.ceil(y1), 4).filter((v) => Number.isInteger(v) && v >= y0 && v <= y1) : niceTicks(y0, y1);
  for (const t of yTicks) {
    const yv = spec.logY ? 10 ** t : t;
    const y = sy(yv).toFixed(1);
    parts.push(`<line x1="${m.l}" x2="${m.l + pw}" y1="${y}" y2="${y}" stroke="#eee"/>`);
    parts.push(`<text x="${m.l - 6}" y="${Number(y) + 4}" text-anchor="end">${fmtTick(yv)}</text>`);
  }
  parts.push(`</g>`);
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
  parts.push(`<text x="${m.l + pw / 2}" y="${H - 10}" text-anchor="middle" font-size="12" fill="#333">${esc(spec.xLabel)}</text>`);
  parts.push(
    `<text transform="translate(14 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle" font-size="12" fill="#333">${esc(spec.yLabel)}${spec.logY ? ' (log)' : ''}</text>`,
  );
  // Lines.
  for (const s of spec.series) {
    const ok = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!spec.logY || y > 0));
    if (ok.length === 0) continue;
    const d = ok.map(([x, y], i) => `${i ? 'L' : 'M'}${sx(x).toFixed(1)} ${sy(y).toFixed(1)}`).join('');
    const g = esc(s.group ?? s.name);
    if (ok.length === 1) {
      parts.push(`<circle class="series" data-group="${g}" cx="${sx(ok[0]![0]).toFixed(1)}" cy="${sy(ok[0]![1]).toFixed(1)}" r="3" fill="${s.color}"/>`);
    } else {
      parts.push(
        `<path class="series" data-group="${g}" d="${d}" fill="none" stroke="${s.color}" stroke-width="${s.width ?? 1.6}"${s.opacity !== undefined ? ` stroke-opacity="${s.opacity}"` : ''}${s.dashed ? ' stroke-dasharray="5 3"' : ''} stroke-linejoin="round"><title>${esc(s.name)}</title></path>`,
      );
    }
  }
  // Legend below the plot: one entry per group, laid out in rows.
  const groups = [...new Map(spec.series.map((s) => [s.group ?? s.name, s.color])).entries()].slice(0, 12);
  let lx = m.l;
  let ly = H + 4;
  for (const [name, color] of groups) {
    const label = name.length > 40 ? `${name.slice(0, 39)}…` : name;
    const w = 26 + 6.6 * label.length + 14;
    if (lx + w > W - m.r && lx > m.l) {
      lx = m.l;
      ly += 16;
    }
    parts.push(
      `<g class="legend" data-group="${esc(name)}"><line x1="${lx}" x2="${lx + 18}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="3"/>` +
        `<text x="${lx + 24}" y="${ly + 4}" font-size="11" fill="#222">${esc(label)}</text></g>`,
    );
    lx += w;
  }
  const total = groups.length ? ly + 12 : H;
  parts[0] = parts[0]!.replace(`height="${H}" viewBox="0 0 ${W} ${H}"`, `height="${total}" viewBox="0 0 ${W} ${total}"`);
  parts[1] = `<rect width="${W}" height="${total}" fill="#ffffff"/>`;
  parts.push('</svg>');
  return parts.join('');
}

/** One bar of {@link barPlot}: a mean with a ± std whisker. */
export interface Bar {
  readonly label: string;
  readonly mean: number;
  readonly std: number;
  readonly color: string;
}

/**
 * Horizontal bars with ± std whiskers (the leaderboard at a glance), as a
 * standalone SVG. The axis starts at 0 when every value is positive and the
 * spread is large, else it zooms on the range so small differences show.
 */
export function barPlot(spec: { id: string; title: string; xLabel: string; bars: readonly Bar[]; width?: number }): string {
  const W = spec.width ?? 560;
  const bars = spec.bars.filter((b) => Number.isFinite(b.mean));
  const rowH = 26;
  const m = { l: 190, r: 24, t: 34, b: 42 };
  const H = m.t + m.b + Math.max(1, bars.length) * rowH;
  const pw = W - m.l - m.r;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" data-plot="${esc(spec.id)}">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold" fill="#222">${esc(spec.title)}</text>`,
  ];
  if (bars.length === 0) {
    parts.push(`<text x="${W / 2}" y="${H / 2}" text-anchor="middle" font-size="13" fill="#888">no finished runs</text></svg>`);
    return parts.join('');
  }
  const lo = Math.min(...bars.map((b) => b.mean - b.std));
  const hi = Math.max(...bars.map((b) => b.mean + b.std));
  let x0 = lo >= 0 && lo < 0.5 * hi ? 0 : lo - (hi - lo) * 0.15;
  let x1 = hi + (hi - lo) * 0.1;
  if (x1 === x0) [x0, x1] = [x0 - 1, x1 + 1];
  const sx = (v: number) => m.l + ((v - x0) / (x1 - x0)) * pw;
  parts.push(`<g font-size="11" fill="#555">`);
  for (const t of niceTicks(x0, x1)) {
    const x = sx(t).toFixed(1);
    parts.push(`<line x1="${x}" x2="${x}" y1="${m.t}" y2="${H - m.b}" stroke="#eee"/><text x="${x}" y="${H - m.b + 16}" text-anchor="middle">${fmtTick(t)}</text>`);
  }
  parts.push(`</g>`);
  bars.forEach((b, i) => {
    const y = m.t + i * rowH + 4;
    const label = b.label.length > 28 ? `${b.label.slice(0, 27)}…` : b.label;
    parts.push(
      `<g class="legend" data-group="${esc(b.label)}"><text x="${m.l - 8}" y="${y + 13}" text-anchor="end" font-size="11" fill="#222">${esc(label)}</text>` +
        `<rect class="series" data-group="${esc(b.label)}" x="${sx(x0).toFixed(1)}" y="${y}" width="${Math.max(1, sx(b.mean) - sx(x0)).toFixed(1)}" height="${rowH - 10}" fill="${b.color}"/>` +
        (b.std > 0
          ? `<line x1="${sx(b.mean - b.std).toFixed(1)}" x2="${sx(b.mean + b.std).toFixed(1)}" y1="${y + (rowH - 10) / 2}" y2="${y + (rowH - 10) / 2}" stroke="#222" stroke-width="1.5"/>` +
            [b.mean - b.std, b.mean + b.std].map((v) => `<line x1="${sx(v).toFixed(1)}" x2="${sx(v).toFixed(1)}" y1="${y + 2}" y2="${y + rowH - 12}" stroke="#222" stroke-width="1.5"/>`).join('')
          : '') +
        `</g>`,
    );
  });
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${pw}" height="${H - m.t - m.b}" fill="none" stroke="#999"/>`);
  parts.push(`<text x="${m.l + pw / 2}" y="${H - 8}" text-anchor="middle" font-size="12" fill="#333">${esc(spec.xLabel)}</text></svg>`);
  return parts.join('');
}

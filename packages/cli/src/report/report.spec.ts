import { describe, expect, it } from 'vitest';
import { barPlot, linePlot, niceTicks } from './svg-plot.js';
import { dedupeRecords, smooth } from './write-report.js';

describe('report helpers', () => {
  it('dedupeRecords keeps the last write of each (split, step) and merges metrics logged separately', () => {
    const rows = dedupeRecords([
      { step: 1, epoch: 0, split: 'train', metrics: { loss: 3 } },
      { step: 2, epoch: 0, split: 'train', metrics: { loss: 2 } },
      { step: 2, epoch: 0, split: 'val', metrics: { loss: 2.5 } },
      { step: 2, epoch: 0, split: 'train', metrics: { loss: 1.5 } }, // re-run after a resume
      { step: 2, epoch: 0, split: 'train', metrics: { custom: 7 } }, // ctx.log
    ]);
    expect(rows).toEqual([
      { step: 1, epoch: 0, split: 'train', metrics: { loss: 3 } },
      { step: 2, epoch: 0, split: 'train', metrics: { loss: 1.5, custom: 7 } },
      { step: 2, epoch: 0, split: 'val', metrics: { loss: 2.5 } },
    ]);
  });

  it('smooth is a bias-corrected EMA: a constant stays constant, the first point is unchanged', () => {
    expect(smooth([[1, 5], [2, 5], [3, 5]], 0.6).map((p) => p[1])).toEqual([5, 5, 5]);
    const s = smooth([[1, 1], [2, 0]], 0.6);
    expect(s[0]![1]).toBe(1);
    // (0.6·0.4·1 + 0.4·0) / (0.6·0.4 + 0.4) = 0.24 / 0.64
    expect(s[1]![1]).toBeCloseTo(0.24 / 0.64, 12);
  });

  it('niceTicks are 1-2-5 steps inside the range', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(3, 97)).toEqual([20, 40, 60, 80]);
  });

  it('linePlot draws one path per series with its colour and a legend entry per group, and says when there is no data', () => {
    const svg = linePlot({
      id: 'p',
      title: 'T <1>',
      xLabel: 'step',
      yLabel: 'loss',
      series: [
        { name: 'a s0', group: 'a', color: '#4e79a7', points: [[1, 2], [2, 1]] },
        { name: 'a s1', group: 'a', color: '#4e79a7', points: [[1, 2.5], [2, 1.5]] },
        { name: 'b', color: '#f28e2b', points: [[1, 3], [2, NaN], [3, 1]] },
      ],
    });
    expect(svg.match(/<path class="series"/g)).toHaveLength(3);
    expect(svg.match(/class="legend"/g)).toHaveLength(2);
    expect(svg).toContain('T &lt;1&gt;');
    expect(linePlot({ id: 'e', title: 'E', xLabel: 'x', yLabel: 'y', series: [] })).toContain('no data');
  });

  it('barPlot draws one bar per configuration and a ± std whisker only where std > 0', () => {
    const svg = barPlot({
      id: 'lb',
      title: 'L',
      xLabel: 'acc',
      bars: [
        { label: 'a', mean: 0.9, std: 0.01, color: '#4e79a7' },
        { label: 'b', mean: 0.8, std: 0, color: '#f28e2b' },
        { label: 'c', mean: NaN, std: NaN, color: '#e15759' },
      ],
    });
    expect(svg.match(/<rect class="series"/g)).toHaveLength(2);
    expect(svg.match(/stroke="#222" stroke-width="1.5"/g)).toHaveLength(3);
  });
});

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { countColor, decodePng, runCli, tmp } from './helpers.js';

/** Debian's `chromium` (apt-get install -y chromium), or CHROMIUM=/path/to/browser. */
function findChromium(): string | undefined {
  const candidates = [process.env['CHROMIUM'], 'chromium', 'chromium-browser', 'google-chrome'].filter((c): c is string => Boolean(c));
  for (const c of candidates) {
    try {
      execFileSync(c, ['--version'], { stdio: 'ignore', timeout: 20_000 });
      return c;
    } catch {
      // not installed
    }
  }
  return undefined;
}
const chromium = findChromium();
if (!chromium) console.warn('screenshot test skipped: no chromium found (Debian: apt-get install -y chromium; or set CHROMIUM=/path/to/chrome)');

describe('tessera (built binary)', () => {
  it('list shows every registered plugin, by kind', async () => {
    const r = await runCli(['list']);
    expect(r.code, r.stderr).toBe(0);
    for (const kind of ['loss', 'optimizer', 'schedule', 'normalization', 'attention', 'model', 'dataset']) expect(r.stdout).toMatch(new RegExp(`^${kind} \\(\\d+\\)`, 'm'));
    expect(r.stdout).toMatch(/^\d+ plugins\./m);
  });

  it('a config with three mistakes fails before training with three messages, each naming the path and the closest valid value', async () => {
    const dir = tmp();
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(
      file,
      [
        'model: { name: mlp, params: { hidden: 16 } }',
        'data: digits',
        'loss: cross-entropyy',
        'optimizer:',
        '  name: adamw',
        '  params: { learningRate: -0.01 }',
        'train: { epochs: 1, batchSiz: 32 }',
        `out: ${path.join(dir, 'run')}`,
      ].join('\n'),
    );
    const r = await runCli(['train', file]);
    expect(r.code).toBe(2);
    const lines = r.stderr.split('\n').filter((l) => l.includes('✗'));
    expect(lines).toEqual([
      expect.stringMatching(/train\.batchSiz: unknown key .* did you mean "batchSize"\?/),
      expect.stringMatching(/loss: unknown loss "cross-entropyy" — did you mean "cross-entropy"/),
      expect.stringMatching(/optimizer\.params\.learningRate: -0\.01 is out of range: expected ≥ 0 — did you mean 0\?/),
    ]);
    expect(fs.existsSync(path.join(dir, 'run'))).toBe(false);
  });

  it.skipIf(!chromium)('sweep writes a leaderboard and an HTML report whose headless-Chromium screenshot shows the curves', async () => {
    const dir = tmp();
    const file = path.join(dir, 'sweep.yaml');
    fs.writeFileSync(
      file,
      stringify({
        name: 'shot',
        base: {
          model: { name: 'mlp', params: { hidden: 16, layers: 1 } },
          data: { name: 'digits', params: { limit: 256 } },
          loss: 'cross-entropy',
          optimizer: { name: 'sgd', params: { learningRate: 0.05 } },
          train: { epochs: 2, batchSize: 32, evaluateEvery: 4 },
        },
        grid: { 'optimizer.name': ['sgd', 'adam'] },
        seeds: [0, 1],
        metric: 'val_accuracy',
        mode: 'max',
      }),
    );
    const out = path.join(dir, 'out');
    const r = await runCli(['sweep', file, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Leaderboard');
    expect(fs.readFileSync(path.join(out, 'leaderboard.md'), 'utf8')).toMatch(/\| 1 \| optimizer=(sgd|adam) \| \d\.\d{4} ± \d\.\d{4} \| 2 \|/);
    for (const p of ['train-loss', 'val-accuracy', 'val-loss', 'learning-rate']) expect(fs.existsSync(path.join(out, 'plots', `${p}.png`))).toBe(true);

    const shot = path.join(dir, 'shot.png');
    execFileSync(
      chromium!,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${path.join(dir, 'chromium-profile')}`,
        `--screenshot=${shot}`,
        '--window-size=1200,900',
        `file://${path.join(out, 'report.html')}`,
      ],
      { stdio: 'ignore', timeout: 60_000 },
    );
    const img = decodePng(fs.readFileSync(shot));
    expect([img.width, img.height]).toEqual([1200, 900]);
    // The two configurations' curves (palette colours 1 and 2) cover several times the pixels of their legend swatches (~220 each).
    expect(countColor(img, '#4e79a7')).toBeGreaterThan(600);
    expect(countColor(img, '#f28e2b')).toBeGreaterThan(600);
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { buildProgram, EXIT } from './program.js';
import { readMetrics } from './run/run-training.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  const { run } = buildProgram({ out: (t) => out.push(t), err: (t) => err.push(t) });
  return { run, out, err, text: () => out.join('\n'), errors: () => err.join('\n') };
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-cli-'));

const tinyDigits = {
  name: 'tiny-digits',
  model: { name: 'mlp', params: { hidden: 16, layers: 1 } },
  data: { name: 'digits', params: { limit: 96 } },
  loss: 'cross-entropy',
  optimizer: { name: 'adam', params: { learningRate: 0.01 } },
  train: { epochs: 2, batchSize: 32, checkpointEvery: 2 },
};

describe('tessera list / describe', () => {
  it('lists every registered plugin by kind, straight from the manifests', async () => {
    const c = capture();
    expect(await c.run(['list'])).toBe(EXIT.ok);
    const text = c.text();
    for (const [kind, name] of [['loss', 'cross-entropy'], ['optimizer', 'adamw'], ['schedule', 'cosine-decay'], ['normalization', 'layer-norm'], ['attention', 'softmax'], ['model', 'mlp'], ['dataset', 'digits']]) {
      expect(text).toMatch(new RegExp(`^${kind} \\(\\d+\\)$`, 'm'));
      expect(text).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    }
  });

  it('list --long adds every hyperparameter with type, default and range', async () => {
    const c = capture();
    expect(await c.run(['list', 'optimizer', '--long'])).toBe(EXIT.ok);
    expect(c.text()).toMatch(/^  adamw — .*\[arXiv:1711\.05101\]$/m);
    expect(c.text()).toMatch(/^      weightDecay: number = 0\.01  \(≥ 0\)$/m);
  });

  it('lists one kind, and names the closest kind on a typo', async () => {
    const c = capture();
    expect(await c.run(['list', 'optimizer'])).toBe(EXIT.ok);
    expect(c.text()).toContain('adamw');
    expect(c.text()).not.toContain('cross-entropy');
    const bad = capture();
    expect(await bad.run(['list', 'optimiser'])).toBe(EXIT.error);
    expect(bad.errors()).toContain('did you mean "optimizer"');
  });

  it('describes a plugin: every hyperparameter with type, default and range', async () => {
    const c = capture();
    expect(await c.run(['describe', 'optimizer', 'adamw'])).toBe(EXIT.ok);
    const text = c.text();
    expect(text).toContain('https://arxiv.org/abs/1711.05101');
    expect(text).toMatch(/weightDecay\s+number\s+0\.01\s+≥ 0/);
    expect(text).toMatch(/beta1\s+number\s+0\.9/);
    const json = capture();
    await json.run(['describe', 'model', 'mlp', '--json']);
    const d = JSON.parse(json.text()) as { params: { name: string; default: unknown }[] };
    expect(d.params.find((p) => p.name === 'hidden')?.default).toBe(128);
  });
});

describe('tessera train', () => {
  it('fails before training on a config with three mistakes, naming each path and the closest valid value', async () => {
    const dir = tmp();
    const file = path.join(dir, 'bad.yaml');
    fs.writeFileSync(
      file,
      stringify({ ...tinyDigits, loss: 'cross-entrop', optimizer: { name: 'adamw', params: { learningRate: -3, betta1: 0.9 } }, out: path.join(dir, 'run') }),
    );
    const c = capture();
    expect(await c.run(['train', file])).toBe(EXIT.usage);
    const lines = c.errors().split('\n').filter((l) => l.includes('✗'));
    expect(lines).toHaveLength(3);
    expect(c.errors()).toContain('3 problems, nothing was run');
    expect(lines.find((l) => l.includes('loss:'))).toMatch(/did you mean "cross-entropy"( or|\?)/);
    expect(lines.find((l) => l.includes('optimizer.params.learningRate:'))).toContain('did you mean 0?');
    expect(lines.find((l) => l.includes('optimizer.params.betta1:'))).toContain('did you mean "beta1"?');
    expect(fs.existsSync(path.join(dir, 'run'))).toBe(false);
  });

  it('trains, writes metrics, checkpoints and a summary; report renders the run folder', async () => {
    const dir = tmp();
    const file = path.join(dir, 'train.yaml');
    fs.writeFileSync(file, stringify(tinyDigits));
    const out = path.join(dir, 'run');
    const c = capture();
    expect(await c.run(['train', file, '--out', out, '--quiet', '--backend', 'cpu'])).toBe(EXIT.ok);
    expect(c.text()).toMatch(/tiny-digits: completed after 6 steps/);
    const summary = JSON.parse(fs.readFileSync(path.join(out, 'summary.json'), 'utf8'));
    expect(summary.steps).toBe(6);
    expect(summary.final.val_accuracy).toBeGreaterThan(0);
    const records = readMetrics(path.join(out, 'metrics.jsonl'));
    expect(records.filter((r) => r.split === 'train' && 'loss' in r.metrics).map((r) => r.step)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(records.filter((r) => r.split === 'val')).toHaveLength(2);
    expect(fs.readdirSync(path.join(out, 'checkpoints')).some((f) => f.endsWith('.tsr'))).toBe(true);

    const r = capture();
    expect(await r.run(['report', out, '--no-png'])).toBe(EXIT.ok);
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html).toContain('Run tiny-digits');
    expect(html).toContain('Validation accuracy');
    expect(html).not.toMatch(/(src|href)="https?:/);
  });

  it('list and describe include plugins from user modules (--plugins)', async () => {
    const c = capture();
    const mod = path.resolve(__dirname, '../../../examples/custom-plugin/brier-loss.mjs');
    expect(await c.run(['describe', 'loss', 'brier', '--plugins', mod])).toBe(EXIT.ok);
    expect(c.text()).toMatch(/scale\s+number\s+1\s+\(0, 100\]/);
  });

  it('--set overrides config values, validated like the file', async () => {
    const dir = tmp();
    const file = path.join(dir, 'train.yaml');
    fs.writeFileSync(file, stringify(tinyDigits));
    const ok = capture();
    expect(await ok.run(['train', file, '--check', '--set', 'optimizer={ name: sgd, params: { momentum: 0.9 } }', 'train.epochs=3'])).toBe(EXIT.ok);
    expect(ok.text()).toContain('optimizer sgd');
    const bad = capture();
    expect(await bad.run(['train', file, '--check', '--set', 'optimizer.params.learningRat=0.1'])).toBe(EXIT.usage);
    expect(bad.errors()).toContain('optimizer.params.learningRat: unknown key "learningRat"');
    expect(bad.errors()).toContain('did you mean "learningRate"?');
  });

  it('--check validates without running', async () => {
    const dir = tmp();
    const file = path.join(dir, 'train.json');
    fs.writeFileSync(file, JSON.stringify(tinyDigits));
    const c = capture();
    expect(await c.run(['train', file, '--check'])).toBe(EXIT.ok);
    expect(c.text()).toContain('valid');
  });
});

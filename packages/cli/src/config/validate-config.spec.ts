import { describe, expect, it } from 'vitest';
import { ConfigError } from './issues.js';
import { prepareRunConfig } from './validate-config.js';

const good = {
  name: 'digits-test',
  model: { name: 'mlp', params: { hidden: 16 } },
  data: { name: 'digits', params: { limit: 100 } },
  loss: 'cross-entropy',
  optimizer: { name: 'adamw', params: { learningRate: 0.003 } },
  train: { epochs: 1, batchSize: 32 },
};

async function issuesOf(raw: unknown) {
  try {
    await prepareRunConfig(raw, 'test.yaml', process.cwd());
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).issues;
  }
  throw new Error('expected a ConfigError');
}

describe('run config validation', () => {
  it('accepts a valid config and fills the defaults from the manifests', async () => {
    const { config } = await prepareRunConfig(good, 'test.yaml', process.cwd());
    expect(config.optimizer).toMatchObject({ name: 'adamw', params: { learningRate: 0.003 } });
    expect(config.optimizer.full['weightDecay']).toBe(0.01);
    expect(config.model.full).toMatchObject({ hidden: 16, layers: 2, activation: 'relu' });
    expect(config.train).toMatchObject({ epochs: 1, batchSize: 32, accumulationSteps: 1, checkpointEvery: 50 });
    expect(config.seed).toBe(0);
  });

  it('reports three mistakes at once, each with its path and the closest valid value', async () => {
    const issues = await issuesOf({
      ...good,
      loss: 'cross-entropi',
      optimizer: { name: 'adamw', params: { learningRate: -0.1, weightDecy: 0.1 } },
    });
    expect(issues).toHaveLength(3);
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i]));
    expect(byPath['loss']!.fix).toMatch(/^"cross-entropy"/);
    expect(byPath['loss']!.message).toContain('unknown loss "cross-entropi"');
    expect(byPath['optimizer.params.learningRate']).toMatchObject({ fix: '0' });
    expect(byPath['optimizer.params.learningRate']!.message).toContain('≥ 0');
    expect(byPath['optimizer.params.weightDecy']).toMatchObject({ fix: '"weightDecay"' });
  });

  it('checks the structure and the zoo too: unknown top-level and train keys, enum values, model slots', async () => {
    const issues = await issuesOf({
      ...good,
      epochs: 3,
      train: { epoch: 2, nanPolicy: 'skp' },
      model: { name: 'mlp', params: { activation: 'rel' } },
      attention: 'softmax',
    });
    const paths = issues.map((i) => i.path).sort();
    expect(paths).toEqual(['attention', 'epochs', 'model.params.activation', 'train.epoch', 'train.nanPolicy']);
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i]));
    expect(byPath['train.epoch']!.fix).toBe('"epochs"');
    expect(byPath['train.nanPolicy']!.fix).toBe('"skip"');
    expect(byPath['model.params.activation']!.fix).toBe('"relu"');
    expect(byPath['attention']!.message).toContain('model "mlp" has no attention');
  });

  it('names the closest plugin in nested references and callbacks', async () => {
    const issues = await issuesOf({ ...good, optimizer: { name: 'adamx' }, schedule: { name: 'cosine-decai', params: {} } });
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i]));
    expect(byPath['optimizer.name']!.fix).toContain('"adam"');
    expect(byPath['schedule.name']!.fix).toContain('"cosine-decay"');
  });
});

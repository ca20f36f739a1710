import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './issues.js';
import { readConfigFile } from './read-config.js';

describe('readConfigFile', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-read-'));
  it('reads YAML and JSON', () => {
    fs.writeFileSync(path.join(dir, 'a.yaml'), 'loss: mse\ntrain: { epochs: 2 }\n');
    fs.writeFileSync(path.join(dir, 'a.json'), '{"loss": "mse"}');
    expect(readConfigFile(path.join(dir, 'a.yaml'))).toEqual({ loss: 'mse', train: { epochs: 2 } });
    expect(readConfigFile(path.join(dir, 'a.json'))).toEqual({ loss: 'mse' });
  });
  it('a YAML syntax error names the line', () => {
    fs.writeFileSync(path.join(dir, 'bad.yaml'), 'loss: mse\ntrain: { epochs: 2\n');
    const e = (() => {
      try {
        readConfigFile(path.join(dir, 'bad.yaml'));
      } catch (err) {
        return err as ConfigError;
      }
    })();
    expect(e).toBeInstanceOf(ConfigError);
    expect(e!.issues[0]!.path).toMatch(/^line \d+, column \d+$/);
  });
  it('a missing file is a config error', () => {
    expect(() => readConfigFile(path.join(dir, 'nope.yaml'))).toThrow(ConfigError);
  });
});

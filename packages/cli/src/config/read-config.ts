import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { ConfigError } from './issues.js';

/** Reads a JSON or YAML config file (YAML is a superset of JSON); syntax errors name the line. */
export function readConfigFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, [{ path: '(file)', message: `cannot read: ${(e as Error).message}` }]);
  }
  try {
    if (path.extname(file).toLowerCase() === '.json') return JSON.parse(text) as unknown;
    return parseYaml(text, { prettyErrors: true }) as unknown;
  } catch (e) {
    const where = e instanceof YAMLParseError && e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '(syntax)';
    throw new ConfigError(file, [{ path: where, message: (e as Error).message.split('\n')[0]! }]);
  }
}

import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The path of a file shipped in the package's `data/` folder, from the
 * source tree (`src/zoo/…`) or the bundle (`dist/…`).
 */
export function dataFile(name: string): string {
  for (const rel of ['../data/', '../../data/']) {
    const p = fileURLToPath(new URL(rel + name, import.meta.url));
    if (fs.existsSync(p)) return p;
  }
  throw new Error(`@tessera/cli: the shipped data file "${name}" is missing (looked in data/ next to the package).`);
}

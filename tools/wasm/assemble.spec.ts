import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- a plain .mjs script without type declarations
import { assemble, targetOf, watSources } from './assemble.mjs';

describe('wasm kernels', () => {
  const sources = watSources() as string[];

  it('has the Adam kernel source', () => {
    expect(sources.some((f) => f.endsWith('adam-update.wat'))).toBe(true);
  });

  it.each(sources.map((f) => [f.split('/packages/')[1], f]))('the committed module of %s is its assembled bytes (node tools/wasm/assemble.mjs)', async (_rel, wat) => {
    expect(fs.readFileSync(targetOf(wat), 'utf8')).toBe(await assemble(wat));
  });
});

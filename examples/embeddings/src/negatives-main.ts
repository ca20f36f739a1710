// `pnpm --filter @tessera/example-embeddings negatives [config.json]`: trains the runs of
// negatives.json and prints recall@1 on the held-out split for each.
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { useBackend } from '@tessera/core';
import { runNegatives } from './negatives.js';

const file = path.resolve(process.argv[2] ?? new URL('../negatives.json', import.meta.url).pathname);
await useBackend((process.env['TESSERA_BACKEND'] as 'cpu' | 'wasm' | undefined) ?? 'cpu', { quiet: true });
const t0 = Date.now();
const results = await runNegatives(JSON.parse(fs.readFileSync(file, 'utf8')), (l) => console.log(l));
console.log(`\n| run | recall@1 |\n|---|---|\n${results.map((r) => `| ${r.label} | ${r.recallAt1.toFixed(4)} |`).join('\n')}`);
console.log(`total ${((Date.now() - t0) / 1000).toFixed(1)} s`);

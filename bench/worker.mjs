// One backend's share of `pnpm bench`: runs the requested workloads in this
// process and writes their rows as JSON to the file named by --out.
//   node bench/worker.mjs --backend wasm --only W1,W2 --out rows.json [--label "wasm (stock kernels)"] [--export] [--profile]
import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { createRegistry, useBackend } from '@tessera/core';

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? dflt : args[i + 1];
};
const flag = (name) => args.includes(`--${name}`);
const backendName = opt('backend', 'wasm');
const only = new Set(opt('only', 'W1,W2,W3,W4,W5,W6').split(','));
const out = opt('out', '/dev/stdout');
const label = opt('label', backendName);

await useBackend(backendName, { quiet: true });

const modules = [];
for (const pkg of ['losses', 'optimizers', 'normalization', 'attention']) {
  try {
    modules.push((await import(`@tessera/${pkg}/module`)).default);
  } catch (e) {
    process.stderr.write(`bench: @tessera/${pkg} could not be loaded (${e.message}); its workloads are skipped\n`);
  }
}
const registry = createRegistry(...modules);

const workloads = {
  W1: () => import('./workloads/w1-mlp.mjs'),
  W2: () => import('./workloads/w2-transformer.mjs'),
  W3: () => import('./workloads/w3-adamw.mjs'),
  W4: () => import('./workloads/w4-trainer.mjs'),
  W5: () => import('./workloads/w5-cut-cross-entropy.mjs'),
  W6: () => import('./workloads/w6-attention.mjs'),
};

const rows = [];
for (const [id, load] of Object.entries(workloads)) {
  if (!only.has(id)) continue;
  const t0 = performance.now();
  try {
    const mod = await load();
    const produced = await mod.run({ registry, modules, backend: label, backendName, twinExport: flag('export'), profile: flag('profile') });
    rows.push(...produced);
  } catch (e) {
    process.stderr.write(`bench: ${id} on ${label} failed: ${e.stack ?? e}\n`);
    rows.push({ workload: id, backend: label, error: String(e.message ?? e) });
  }
  process.stderr.write(`bench: ${id} on ${label} done in ${((performance.now() - t0) / 1000).toFixed(1)} s (${tf.memory().numTensors} tensors live)\n`);
}
fs.writeFileSync(out, JSON.stringify(rows, null, 1));

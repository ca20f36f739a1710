// The README's "Write your own plugin" snippet is code: this test extracts
// it verbatim, runs it, and checks what it claims.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

function snippet(name: string): string {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const m = readme.match(new RegExp(`<!-- snippet:${name}[^>]*-->\\s*\`\`\`ts\\n([\\s\\S]*?)\`\`\`\\s*<!-- /snippet -->`));
  if (!m) throw new Error(`README.md has no snippet "${name}"`);
  return m[1]!;
}

describe('README', () => {
  it('the custom-plugin snippet is short and runs: the plugin is discovered and trains by name', async () => {
    const code = snippet('custom-plugin');
    expect(code.trim().split('\n').length).toBeLessThanOrEqual(30);
    const dir = path.join(root, 'tools/readme/__generated__');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'custom-plugin.ts');
    fs.writeFileSync(file, code);
    const mod = (await import(/* @vite-ignore */ pathToFileURL(file).href)) as {
      logCosh: { manifest: { name: string } };
      result: { history: { loss: number }[]; stopReason: string };
    };
    expect(mod.logCosh.manifest.name).toBe('my-log-cosh');
    expect(mod.result.stopReason).toBe('completed');
    const losses = mod.result.history.map((h) => h.loss);
    expect(losses.at(-1)!).toBeLessThan(0.05 * losses[0]!);
  }, 60_000);

  it('the error messages it quotes are the real ones', async () => {
    const { createRegistry, pluginModule } = await import('@tessera/core');
    const { logCosh } = (await import(/* @vite-ignore */ pathToFileURL(path.join(root, 'tools/readme/__generated__/custom-plugin.ts')).href)) as {
      logCosh: Parameters<typeof pluginModule>[0];
    };
    const registry = createRegistry(pluginModule(logCosh));
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    const bad = () => registry.create('loss', 'my-log-cosh', { scale: -1 });
    expect(bad).toThrow('loss "my-log-cosh": invalid hyperparameters');
    expect(bad).toThrow('scale = -1: expected > 0');
    expect(readme).toContain('scale = -1: expected > 0');
    expect(() => registry.get('loss', 'my-log-cos')).toThrow('Unknown loss "my-log-cos": did you mean "my-log-cosh"?');
    expect(readme).toContain('Unknown loss "my-log-cos": did you mean "my-log-cosh"?');
  });
});

// Local runner for this package alone (`npx vitest run --config packages/miners/vitest.config.ts`):
// same settings as the root config, with a setup file that resolves @tessera/core from this package.
import { defineConfig } from 'vitest/config';

const resolve = { conditions: ['@tessera/source', 'module', 'node', 'import', 'default'] };
export default defineConfig({
  resolve,
  ssr: { resolve: { conditions: resolve.conditions, externalConditions: resolve.conditions } },
  test: {
    root: new URL('.', import.meta.url).pathname,
    include: ['src/**/*.spec.ts'],
    exclude: ['**/node_modules/**'],
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});

import { defineConfig } from 'vitest/config';

// Tests resolve workspace packages to their TypeScript source through the
// `@tessera/source` export condition, so nothing must be built first.
// `*.dist.spec.ts` files are the exception: they import the built `dist/`.
const resolve = { conditions: ['@tessera/source', 'module', 'node', 'import', 'default'] };
const shared = {
  setupFiles: ['./vitest.setup.ts'],
  testTimeout: 60_000,
  hookTimeout: 60_000,
  pool: 'forks' as const,
};

export default defineConfig({
  resolve,
  test: {
    projects: [
      {
        resolve,
        test: {
          ...shared,
          name: 'unit',
          include: ['packages/*/src/**/*.spec.ts', 'examples/*/src/**/*.spec.ts', 'tools/**/*.spec.ts'],
          exclude: ['**/*.dist.spec.ts', '**/*.conformance.spec.ts', '**/node_modules/**'],
        },
      },
      {
        resolve,
        test: { ...shared, name: 'conformance', include: ['packages/*/src/**/*.conformance.spec.ts'] },
      },
      {
        test: { ...shared, name: 'dist', include: ['packages/*/test/**/*.dist.spec.ts', 'examples/*/test/**/*.dist.spec.ts'] },
      },
    ],
  },
});

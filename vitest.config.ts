import { defineConfig } from 'vitest/config';

// Tests resolve workspace packages to their TypeScript source through the
// `@tessera/source` export condition, so nothing must be built first.
// `*.dist.spec.ts` files are the exception: they import the built `dist/`.
const conditions = ['@tessera/source', 'module', 'node', 'import', 'default'];
const resolve = { conditions };
// Vite 6+ resolves server-side (Node) imports with `ssr.resolve`, vitest's default environment.
const ssr = { resolve: { conditions, externalConditions: ['@tessera/source'] } };
const shared = {
  setupFiles: ['./vitest.setup.ts'],
  testTimeout: 60_000,
  hookTimeout: 60_000,
  pool: 'forks' as const,
};

export default defineConfig({
  resolve,
  ssr,
  test: {
    projects: [
      {
        resolve,
        ssr,
        test: {
          ...shared,
          name: 'unit',
          include: ['packages/*/src/**/*.spec.ts', 'examples/*/src/**/*.spec.ts', 'tools/**/*.spec.ts'],
          exclude: ['**/*.dist.spec.ts', '**/*.conformance.spec.ts', '**/node_modules/**'],
        },
      },
      {
        resolve,
        ssr,
        test: { ...shared, name: 'conformance', include: ['packages/*/src/**/*.conformance.spec.ts'] },
      },
      {
        test: { ...shared, name: 'dist', include: ['packages/*/test/**/*.dist.spec.ts', 'examples/*/test/**/*.dist.spec.ts'] },
      },
    ],
  },
});

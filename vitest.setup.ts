// Every test file starts on a known backend: `cpu` unless TESSERA_BACKEND says
// otherwise (CI runs the conformance project a second time on `wasm`).
import { beforeAll } from 'vitest';
import { useBackend } from '@tessera/core';

beforeAll(async () => {
  await useBackend((process.env.TESSERA_BACKEND as 'cpu' | 'wasm' | undefined) ?? 'cpu', { quiet: true });
});

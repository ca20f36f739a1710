import { beforeAll } from 'vitest';
import { useBackend } from '@tessera/core';
// What core should do once for every program that trains: tfjs-core alone registers no gradient kernels.
import '@tensorflow/tfjs-core/dist/register_all_gradients';

beforeAll(async () => {
  await useBackend((process.env.TESSERA_BACKEND as 'cpu' | 'wasm' | undefined) ?? 'cpu', { quiet: true });
});

import * as tf from '@tensorflow/tfjs-core';
import { cpuFallbackKernel, missingKernels } from './cpu-fallback.js';
import { fastWasmBatchMatMul } from './wasm-batch-mat-mul.js';

export { cpuFallbackKernel, missingKernels } from './cpu-fallback.js';
export { fastWasmBatchMatMul, wasmBatchMatMulStats } from './wasm-batch-mat-mul.js';

/** What {@link registerTesseraKernels} did for one backend. */
export interface TesseraKernelReport {
  readonly backend: string;
  /** Kernels the backend lacked, now served by the cpu backend's implementation. */
  readonly fallbacks: readonly string[];
  /** Kernels replaced by a faster Tessera kernel that wraps the backend's own. */
  readonly replaced: readonly string[];
}

const done = new Map<string, TesseraKernelReport>();

/**
 * Completes and speeds up a backend, once per process (later calls return the
 * first report):
 *
 * - every kernel the `cpu` backend has and `backendName` lacks (on wasm:
 *   `UnsortedSegmentSum`, `Conv2DBackpropFilter`,
 *   `DepthwiseConv2dNativeBackpropFilter/Input`, `Einsum`, ...) is registered
 *   for `backendName` as a copy-in/copy-out call of the cpu implementation, so
 *   that every model that trains on cpu trains there;
 * - on `wasm`, `BatchMatMul` is replaced by {@link fastWasmBatchMatMul}.
 *
 * Nothing is done for `cpu` (the reference) or for `tensorflow` (native
 * kernels, complete).
 */
export function registerTesseraKernels(backendName: string): TesseraKernelReport {
  const previous = done.get(backendName);
  if (previous !== undefined) return previous;
  const fallbacks: string[] = [];
  const replaced: string[] = [];
  if (backendName !== 'cpu' && backendName !== 'tensorflow') {
    for (const name of missingKernels(backendName)) {
      tf.registerKernel(cpuFallbackKernel(name, backendName));
      fallbacks.push(name);
    }
  }
  if (backendName === 'wasm' && process.env['TESSERA_WASM_KERNELS'] !== 'off') {
    const original = tf.getKernel(tf.BatchMatMul, 'wasm');
    if (original !== undefined) {
      tf.unregisterKernel(tf.BatchMatMul, 'wasm');
      tf.registerKernel(fastWasmBatchMatMul(original));
      replaced.push(tf.BatchMatMul);
    }
  }
  const report: TesseraKernelReport = { backend: backendName, fallbacks, replaced };
  done.set(backendName, report);
  return report;
}

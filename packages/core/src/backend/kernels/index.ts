import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig } from '@tensorflow/tfjs-core';
import { cpuFallbackKernel, missingKernels } from './cpu-fallback.js';
import { unsortedSegmentSumKernel } from './unsorted-segment-sum.js';
import { fastWasmBatchMatMul } from './wasm-batch-mat-mul.js';
import { FAST_WASM_ELEMENTWISE } from './wasm-elementwise.js';
import { fastWasmSlice, fastWasmSplitV } from './wasm-slice.js';
import { fastWasmGather } from './wasm-gather.js';
import { fastWasmSum } from './wasm-sum.js';
import { CPU_BROADCAST_BINARY, fastCpuBroadcastBinary } from './cpu-broadcast-binary.js';
import { fastCpuBatchMatMul } from './cpu-batch-mat-mul.js';

export { cpuFallbackKernel, missingKernels } from './cpu-fallback.js';
export { fastWasmBatchMatMul, wasmBatchMatMulStats } from './wasm-batch-mat-mul.js';
export { unsortedSegmentSumKernel } from './unsorted-segment-sum.js';
export { broadcastBinary, fastCpuBroadcastBinary } from './cpu-broadcast-binary.js';
export { fastCpuBatchMatMul } from './cpu-batch-mat-mul.js';
export { adamUpdate, adamUpdateKernel, ADAM_UPDATE } from './adam-update.js';
export { packSquaredNorm, packSquaredNormKernel, PACK_SQUARED_NORM } from './pack-squared-norm.js';
export { allocFloat32, float32View, fusedKernelsDisabled, registerFusedKernel, useFusedKernels, HOST_MEMORY_BACKENDS } from './host-memory.js';
export { fastWasmSlice, fastWasmSplitV } from './wasm-slice.js';
export { fastWasmGather } from './wasm-gather.js';
export { fastWasmSum, wasmSumStats } from './wasm-sum.js';
export { fastWasmIdentity, fastWasmPow, fastWasmTanh, fastWasmTile } from './wasm-elementwise.js';

/** Kernels replaced on every backend that Tessera fills in (and on cpu), because tfjs' own is asymptotically slow. */
const REPLACED_EVERYWHERE: Record<string, (backendName: string) => KernelConfig> = {
  [tf.UnsortedSegmentSum]: unsortedSegmentSumKernel,
};

/** What {@link registerTesseraKernels} did for one backend. */
export interface TesseraKernelReport {
  readonly backend: string;
  /** Kernels the backend lacked, now served by the cpu backend's implementation. */
  readonly fallbacks: readonly string[];
  /** Kernels replaced by a faster Tessera kernel that wraps the backend's own. */
  readonly replaced: readonly string[];
}

const done = new Map<string, TesseraKernelReport>();
const replacedOriginals = new Map<string, KernelConfig>();

/** tfjs' own kernel that Tessera replaced for a backend (for tests and comparisons), if any. */
export function tfjsKernel(kernelName: string, backendName: string): KernelConfig | undefined {
  return replacedOriginals.get(`${backendName}/${kernelName}`);
}

function replace(kernelName: string, backendName: string, make: (own: KernelConfig) => KernelConfig): boolean {
  const own = tf.getKernel(kernelName, backendName);
  if (own === undefined) return false;
  tf.unregisterKernel(kernelName, backendName);
  tf.registerKernel(make(own));
  replacedOriginals.set(`${backendName}/${kernelName}`, own);
  return true;
}

/**
 * Completes and speeds up a backend, once per process (later calls return the
 * first report):
 *
 * - every kernel the `cpu` backend has and `backendName` lacks (on wasm:
 *   `UnsortedSegmentSum`, `Conv2DBackpropFilter`,
 *   `DepthwiseConv2dNativeBackpropFilter/Input`, `Einsum`, ...) is registered
 *   for `backendName` as a copy-in/copy-out call of the cpu implementation, so
 *   that every model that trains on cpu trains there;
 * - `UnsortedSegmentSum` (the gradient of `gather`) is replaced, on cpu and
 *   wasm, by a one-pass scatter-add ({@link unsortedSegmentSumKernel}): tfjs-cpu's
 *   costs one full masked pass per segment;
 * - on `cpu`, `Add`, `Sub`, `Multiply` and `RealDiv` broadcasting over a
 *   size-1 dimension run in one strided pass ({@link fastCpuBroadcastBinary}),
 *   and `BatchMatMul` reads the right operand along rows ({@link fastCpuBatchMatMul});
 *   both bit-identical to tfjs-cpu; `TESSERA_CPU_KERNELS=off` keeps tfjs' own;
 * - on `wasm`, `BatchMatMul` is replaced by {@link fastWasmBatchMatMul}, and
 *   `Tile`, `Pow` (small integer exponents) and `Tanh` by compositions of
 *   the backend's fast kernels, `Identity` by a shared buffer (see wasm-elementwise.ts), and
 *   `Slice` by a copy of the slice alone ({@link fastWasmSlice}; tfjs' copies the whole input first),
 *   `SplitV` by one such slice per part ({@link fastWasmSplitV}),
 *   `GatherV2` by block copies ({@link fastWasmGather}), `Sum` over leading axes by a SIMD
 *   column sum without tfjs' transpose ({@link fastWasmSum}).
 *
 * Fused kernels for cpu and wasm ({@link adamUpdate}'s `TesseraAdamUpdate`, a WebAssembly SIMD
 * loop on wasm, and {@link packSquaredNorm}'s `TesseraPackSquaredNorm`) are registered on first
 * use; `TESSERA_FUSED_KERNELS=off` (or `useFusedKernels(false)`) runs their op compositions instead.
 *
 * Nothing is done for `tensorflow` (native kernels, complete). Setting
 * `TESSERA_WASM_KERNELS=off` keeps tfjs' own wasm kernels (for comparisons);
 * the fill-ins are registered regardless.
 */
export function registerTesseraKernels(backendName: string): TesseraKernelReport {
  const previous = done.get(backendName);
  if (previous !== undefined) return previous;
  const fallbacks: string[] = [];
  const replaced: string[] = [];
  if (backendName === 'tensorflow') {
    const report: TesseraKernelReport = { backend: backendName, fallbacks, replaced };
    done.set(backendName, report);
    return report;
  }
  for (const [name, make] of Object.entries(REPLACED_EVERYWHERE)) {
    if (tf.getKernel(name, backendName) !== undefined) {
      tf.unregisterKernel(name, backendName);
      replaced.push(name);
    } else {
      fallbacks.push(name);
    }
    tf.registerKernel(make(backendName));
  }
  if (backendName === 'cpu' && process.env['TESSERA_CPU_KERNELS'] !== 'off') {
    for (const name of CPU_BROADCAST_BINARY) if (replace(name, 'cpu', fastCpuBroadcastBinary)) replaced.push(name);
    if (replace(tf.BatchMatMul, 'cpu', fastCpuBatchMatMul)) replaced.push(tf.BatchMatMul);
  }
  if (backendName !== 'cpu') {
    for (const name of missingKernels(backendName)) {
      tf.registerKernel(cpuFallbackKernel(name, backendName));
      fallbacks.push(name);
    }
  }
  if (backendName === 'wasm' && process.env['TESSERA_WASM_KERNELS'] !== 'off') {
    if (replace(tf.BatchMatMul, 'wasm', fastWasmBatchMatMul)) replaced.push(tf.BatchMatMul);
    if (replace(tf.Slice, 'wasm', fastWasmSlice)) replaced.push(tf.Slice);
    if (replace(tf.SplitV, 'wasm', fastWasmSplitV)) replaced.push(tf.SplitV);
    if (replace(tf.GatherV2, 'wasm', fastWasmGather)) replaced.push(tf.GatherV2);
    if (replace(tf.Sum, 'wasm', fastWasmSum)) replaced.push(tf.Sum);
    for (const [name, make] of Object.entries(FAST_WASM_ELEMENTWISE)) if (replace(name, 'wasm', make)) replaced.push(name);
  }
  const report: TesseraKernelReport = { backend: backendName, fallbacks, replaced };
  done.set(backendName, report);
  return report;
}

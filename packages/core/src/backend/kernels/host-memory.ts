import * as tf from '@tensorflow/tfjs-core';
import type { DataId, KernelBackend, KernelConfig, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * Zero-copy access to the float32 buffers of the two backends whose memory
 * JavaScript addresses directly: `cpu` (typed arrays) and `wasm` (the wasm
 * heap). Fused Tessera kernels ({@link adamUpdateKernel},
 * {@link packSquaredNormKernel}) read their inputs and write their outputs in
 * one JavaScript pass through these views, instead of one backend kernel
 * call (and one full-size intermediate) per arithmetic step.
 *
 * Views of inputs are read-only by convention: tfjs tensors are immutable and
 * buffers may be shared (`Identity`, `Reshape`).
 */

/** The parts of tfjs-backend-wasm's `BackendWasm` (4.x) used here. */
interface WasmBackendLike extends KernelBackend {
  wasm: { HEAPF32: Float32Array; asm?: { memory?: unknown } };
  dataIdMap: { get(dataId: DataId): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
}

function isWasm(b: KernelBackend): b is WasmBackendLike {
  const w = b as Partial<WasmBackendLike>;
  return w.wasm?.HEAPF32 instanceof Float32Array && w.dataIdMap !== undefined && typeof w.makeOutput === 'function';
}

/** Backends this module can address: the names fused kernels are registered for. */
export const HOST_MEMORY_BACKENDS = ['cpu', 'wasm'] as const;

/**
 * Float32 output buffers allocated on `backend`, then viewed. On wasm every
 * view is taken after the last allocation: an allocation may grow the heap,
 * which detaches views taken before it.
 */
export function allocFloat32(backend: KernelBackend, shapes: readonly number[][]): { infos: TensorInfo[]; views: Float32Array[] } {
  if (isWasm(backend)) {
    const infos = shapes.map((s) => backend.makeOutput([...s], 'float32'));
    return { infos, views: infos.map((i) => float32View(backend, i)) };
  }
  const views = shapes.map((s) => new Float32Array(tf.util.sizeFromShape(s)));
  const infos = shapes.map((s, i): TensorInfo => ({ dataId: backend.write(views[i]!, [...s], 'float32'), shape: [...s], dtype: 'float32' }));
  return { infos, views };
}

/**
 * A float32 view of a tensor's buffer on `backend` (no copy on cpu and wasm).
 * Take views after every allocation of the same kernel call (see {@link allocFloat32}).
 */
export function float32View(backend: KernelBackend, info: TensorInfo): Float32Array {
  if (info.dtype !== 'float32') throw new TypeError(`tessera: a fused kernel needs float32 tensors; got ${info.dtype}.`);
  const n = tf.util.sizeFromShape(info.shape);
  if (isWasm(backend)) {
    const data = backend.dataIdMap.get(info.dataId);
    if (data === undefined) throw new Error('tessera: tensor is not on the wasm backend');
    return new Float32Array(backend.wasm.HEAPF32.buffer, data.memoryOffset, n);
  }
  const values = backend.readSync(info.dataId);
  if (!(values instanceof Float32Array)) throw new TypeError('tessera: expected a float32 buffer');
  return values.length === n ? values : values.subarray(0, n);
}

/** The parts of the WebAssembly JavaScript API Tessera uses (the project compiles without the DOM lib, which declares it). */
export interface WebAssemblyApi {
  Memory: abstract new (...args: never[]) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: Record<string, unknown> };
}
/** A `WebAssembly.Memory`. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
/** The global `WebAssembly` object. */
export const webAssembly = (): WebAssemblyApi => (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/**
 * The wasm backend's `WebAssembly.Memory` and the byte offset of a tensor in it, for kernels
 * written in WebAssembly that import that memory and work on tensors in place; undefined for
 * other backends (or a wasm build that does not expose its memory).
 */
export function wasmHeap(backend: KernelBackend): WasmHeap | undefined {
  if (!isWasm(backend)) return undefined;
  let heap = heaps.get(backend);
  if (heap === undefined) {
    const memory = backend.wasm.asm?.memory;
    if (!(memory instanceof webAssembly().Memory)) return undefined;
    const map = backend.dataIdMap;
    heap = {
      memory,
      offset(info) {
        const data = map.get(info.dataId);
        if (data === undefined) throw new Error('tessera: tensor is not on the wasm backend');
        return data.memoryOffset;
      },
    };
    heaps.set(backend, heap);
  }
  return heap;
}

/** The wasm heap as {@link wasmHeap} returns it. */
export interface WasmHeap {
  readonly memory: WasmMemory;
  offset(info: TensorInfo): number;
}
const heaps = new WeakMap<KernelBackend, WasmHeap>();

// Read once: `process.env` is a slow host lookup, and fused ops ask on every call.
let fusedOff = typeof process !== 'undefined' && process.env?.['TESSERA_FUSED_KERNELS'] === 'off';

/** Whether Tessera's fused kernels are off: every fused op then runs as its tfjs op composition. */
export function fusedKernelsDisabled(): boolean {
  return fusedOff;
}

/**
 * Turns Tessera's fused kernels on or off for this process (default: on, unless the
 * environment had `TESSERA_FUSED_KERNELS=off` when core was loaded). Off, every fused op
 * runs as its tfjs op composition: for comparisons and tests.
 */
export function useFusedKernels(on: boolean): void {
  fusedOff = !on;
}

const registered = new Set<string>();

/**
 * Whether a fused op runs as its kernel `name` on the current backend: fused kernels are on,
 * every given tensor is float32, and the kernel is registered there (registered on first use).
 * Otherwise the op runs as its tfjs composition.
 */
export function fusedKernelApplies(name: string, make: (backendName: string) => KernelConfig, tensors: readonly (tf.Tensor | undefined)[]): boolean {
  if (fusedOff) return false;
  if (!tensors.every((t) => t === undefined || t.dtype === 'float32')) return false;
  registerFusedKernel(name, make);
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

/** Registers a fused kernel for every host-memory backend that lacks it (idempotent; checked once per name). */
export function registerFusedKernel(name: string, make: (backendName: string) => KernelConfig): void {
  if (registered.has(name)) return;
  for (const b of HOST_MEMORY_BACKENDS) if (tf.getKernel(name, b) === undefined) tf.registerKernel(make(b));
  registered.add(name);
}

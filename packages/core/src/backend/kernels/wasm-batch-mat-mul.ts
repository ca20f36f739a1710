import * as tf from '@tensorflow/tfjs-core';
import type { DataId, KernelBackend, KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

/** The parts of tfjs-backend-wasm's `BackendWasm` this kernel uses (4.x). */
interface WasmBackendLike extends KernelBackend {
  wasm: {
    cwrap(name: string, returnType: null, argTypes: string[]): (...args: unknown[]) => void;
    tfjs: { registerTensor(id: number, size: number, memoryOffset: number): void; disposeData(id: number): void };
  };
  dataIdMap: { get(dataId: DataId): { id: number; memoryOffset: number } | undefined };
  dataIdNextNumber: number;
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
}

type WasmMatMul = (
  aId: number, aShape: Uint8Array, aRank: number,
  bId: number, bShape: Uint8Array, bRank: number,
  transposeA: boolean, transposeB: boolean, outId: number,
) => void;

const cwrapped = new WeakMap<object, WasmMatMul>();

function wasmMatMul(backend: WasmBackendLike): WasmMatMul {
  let f = cwrapped.get(backend.wasm);
  if (f === undefined) {
    f = backend.wasm.cwrap('BatchMatMul', null, [
      'number', 'array', 'number', 'number', 'array', 'number', 'number', 'number', 'number',
    ]) as unknown as WasmMatMul;
    cwrapped.set(backend.wasm, f);
  }
  return f;
}

function shapeBytes(shape: number[]): Uint8Array {
  return new Uint8Array(new Int32Array(shape).buffer);
}

function isWasmBackend(b: KernelBackend): b is WasmBackendLike {
  const w = b as Partial<WasmBackendLike>;
  return typeof w.wasm?.cwrap === 'function' && typeof w.wasm.tfjs?.registerTensor === 'function' && w.dataIdMap !== undefined;
}

/** Below this many multiply-adds per batch entry (M·K·N), batched products stay on tfjs' loop (measured crossover ≈ 16³). */
const SLICE_MIN_WORK = 4096;

/** Counters for tests and the bench: which path each call took. */
export const wasmBatchMatMulStats = { delegated: 0, transposed: 0, flattened: 0, sliced: 0 };

/**
 * A faster `BatchMatMul` for the wasm backend, wrapping the backend's own.
 *
 * tfjs-backend-wasm 4.22 multiplies fast (XNNPACK, 9–22 GFLOP/s on this
 * machine) only when neither operand is transposed and there is a single
 * batch; `transposeA`/`transposeB` and 3-D batches take a naive loop at
 * 0.3–1 GFLOP/s. Gradients of `matMul` use the transposed forms and attention
 * uses batches, so training paid the slow path on almost every multiply.
 * This kernel:
 *
 * 1. materialises a transpose with the wasm `Transpose` kernel (a copy, memory
 *    bound) and multiplies without one;
 * 2. folds a batched left operand with a shared (batch 1) right operand into
 *    one 2-D product `[B·M, K] × [K, N]`;
 * 3. runs a batched product as one 2-D product per batch, on views into the
 *    operands' wasm memory (no copies): each slice is registered under a
 *    temporary tensor id, multiplied by the backend's own `BatchMatMul`
 *    entry point on its fast path, and unregistered.
 *
 * The arithmetic is the backend's own kernel on the same values, so results
 * equal tfjs' within float32 rounding of a different summation order.
 * Non-float32 inputs and broadcasts other than "equal batches or one batch
 * of 1" go to the original kernel unchanged.
 */
export function fastWasmBatchMatMul(original: KernelConfig): KernelConfig {
  const originalFunc = original.kernelFunc;
  const kernelFunc: KernelFunc = (args) => {
    const { inputs, attrs } = args;
    const backend = args.backend as KernelBackend;
    const a = inputs['a'] as TensorInfo;
    const b = inputs['b'] as TensorInfo;
    const transposeA = Boolean(attrs?.['transposeA']);
    const transposeB = Boolean(attrs?.['transposeB']);
    if (!isWasmBackend(backend) || a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) {
      wasmBatchMatMulStats.delegated++;
      return originalFunc(args);
    }
    const batchA = tf.util.sizeFromShape(a.shape.slice(0, -2));
    const batchB = tf.util.sizeFromShape(b.shape.slice(0, -2));
    if (batchA !== batchB && batchA !== 1 && batchB !== 1) {
      wasmBatchMatMulStats.delegated++;
      return originalFunc(args);
    }
    const rankA = a.shape.length;
    const rankB = b.shape.length;
    const m = a.shape[transposeA ? rankA - 1 : rankA - 2] as number;
    const k = a.shape[transposeA ? rankA - 2 : rankA - 1] as number;
    const n = b.shape[transposeB ? rankB - 2 : rankB - 1] as number;
    if (Math.max(batchA, batchB) > 1 && batchB !== 1 && m * k * n < SLICE_MIN_WORK) {
      // Tiny per-batch products: one XNNPACK call per slice costs more than the naive loop.
      wasmBatchMatMulStats.delegated++;
      return originalFunc(args);
    }
    const temps: TensorInfo[] = [];
    try {
      const a2 = transposeA ? swapLastTwo(a, backend, temps) : a;
      const b2 = transposeB ? swapLastTwo(b, backend, temps) : b;
      if (transposeA || transposeB) wasmBatchMatMulStats.transposed++;
      const M = a2.shape[a2.shape.length - 2] as number;
      const K = a2.shape[a2.shape.length - 1] as number;
      const N = b2.shape[b2.shape.length - 1] as number;
      const outBatch = tf.broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
      const outShape = [...outBatch, M, N];
      const plain = { ...attrs, transposeA: false, transposeB: false };
      if ((batchA === 1 && batchB === 1) || M * K * N === 0) {
        const out = originalFunc({ inputs: { a: a2, b: b2 }, backend, attrs: plain }) as TensorInfo;
        out.shape = outShape;
        return out;
      }
      if (batchB === 1) {
        // [batch, M, K] rows are contiguous: one [batch·M, K] × [K, N] product.
        wasmBatchMatMulStats.flattened++;
        const aFlat = reshapeInfo(a2, [batchA * M, K], backend, temps);
        const bFlat = reshapeInfo(b2, [K, N], backend, temps);
        const out = originalFunc({ inputs: { a: aFlat, b: bFlat }, backend, attrs: plain }) as TensorInfo;
        out.shape = outShape;
        return out;
      }
      wasmBatchMatMulStats.sliced++;
      return slicedMatMul(a2, b2, batchA, batchB, M, K, N, outShape, backend);
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
  };
  return { kernelName: original.kernelName, backendName: original.backendName, setupFunc: original.setupFunc, disposeFunc: original.disposeFunc, kernelFunc };
}

function swapLastTwo(x: TensorInfo, backend: KernelBackend, temps: TensorInfo[]): TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  const transpose = tf.getKernel(tf.Transpose, 'wasm');
  if (transpose === undefined) throw new Error('tessera: the wasm backend has no Transpose kernel');
  const out = transpose.kernelFunc({ inputs: { x }, backend, attrs: { perm } }) as TensorInfo;
  temps.push(out);
  return out;
}

function reshapeInfo(x: TensorInfo, shape: number[], backend: KernelBackend, temps: TensorInfo[]): TensorInfo {
  // A reshape shares the buffer: take a reference, release it afterwards.
  backend.incRef(x.dataId);
  const out: TensorInfo = { dataId: x.dataId, shape, dtype: x.dtype };
  temps.push(out);
  return out;
}

function slicedMatMul(
  a: TensorInfo, b: TensorInfo, batchA: number, batchB: number,
  M: number, K: number, N: number, outShape: number[], backend: WasmBackendLike,
): TensorInfo {
  const batch = Math.max(batchA, batchB);
  const out = backend.makeOutput(outShape, 'float32');
  const aOffset = offsetOf(a, backend);
  const bOffset = offsetOf(b, backend);
  const outOffset = offsetOf(out, backend);
  const mm = wasmMatMul(backend);
  const aShape = shapeBytes([1, M, K]);
  const bShape = shapeBytes([1, K, N]);
  const reg = backend.wasm.tfjs;
  for (let i = 0; i < batch; i++) {
    const ia = backend.dataIdNextNumber++;
    const ib = backend.dataIdNextNumber++;
    const io = backend.dataIdNextNumber++;
    reg.registerTensor(ia, M * K, aOffset + 4 * (batchA === 1 ? 0 : i) * M * K);
    reg.registerTensor(ib, K * N, bOffset + 4 * (batchB === 1 ? 0 : i) * K * N);
    reg.registerTensor(io, M * N, outOffset + 4 * i * M * N);
    try {
      mm(ia, aShape, 3, ib, bShape, 3, false, false, io);
    } finally {
      // Drops the ids (and any operator XNNPACK cached for them); the memory
      // belongs to the real tensors and is not freed here.
      reg.disposeData(ia);
      reg.disposeData(ib);
      reg.disposeData(io);
    }
  }
  return out;
}

function offsetOf(x: TensorInfo, backend: WasmBackendLike): number {
  const data = backend.dataIdMap.get(x.dataId);
  if (data === undefined) throw new Error('tessera: BatchMatMul operand is not on the wasm backend');
  return data.memoryOffset;
}

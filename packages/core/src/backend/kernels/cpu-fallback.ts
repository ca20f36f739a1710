import * as tf from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelConfig, KernelFunc, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * Kernels that the cpu backend has and another backend lacks, and that a
 * fallback must not take over: complex tensors live in a cpu-specific layout
 * (`complexTensorInfos`) that cannot be copied as plain values, and `Draw`
 * writes to a canvas.
 */
const NOT_PORTABLE = new Set(['Complex', 'ComplexAbs', 'Real', 'Imag', 'FFT', 'IFFT', 'Draw']);

/** Kernel names registered for `cpu` but not for `backendName`, minus those that cannot be carried over. */
export function missingKernels(backendName: string): string[] {
  const have = new Set(tf.getKernelsForBackend(backendName).map((k) => k.kernelName));
  return tf
    .getKernelsForBackend('cpu')
    .map((k) => k.kernelName)
    .filter((name) => !have.has(name) && !NOT_PORTABLE.has(name))
    .sort();
}

/**
 * Wraps the cpu backend's implementation of a kernel so that it runs for
 * another backend: the inputs are copied out of that backend (for wasm, out of
 * the wasm heap) into the cpu backend, the cpu `kernelFunc` runs on them, and
 * its outputs are copied back into tensors of the calling backend. All cpu
 * intermediates are released before returning.
 *
 * The result is the cpu backend's result, bit for bit; the cost is two copies
 * of each operand, which is small next to the kernels this is used for (the
 * gradient of `gather`, of convolutions' filters, `einsum`).
 */
export function cpuFallbackKernel(kernelName: string, backendName: string): KernelConfig {
  const cpuKernel = tf.getKernel(kernelName, 'cpu');
  if (cpuKernel === undefined) throw new Error(`tessera: no cpu kernel "${kernelName}" to fall back to`);
  const cpuFunc = cpuKernel.kernelFunc;
  const kernelFunc: KernelFunc = ({ inputs, backend: owner, attrs }) => {
    const backend = owner as KernelBackend;
    const cpu = tf.engine().findBackend('cpu');
    if (cpu === null) throw new Error(`tessera: the cpu backend is needed to run ${kernelName} on ${backendName}`);
    // Most kernels take named inputs; some (Einsum, Concat, AddN) take an array.
    const cpuInputs = (Array.isArray(inputs) ? [] : {}) as NamedTensorInfoMap;
    const written: TensorInfo[] = [];
    try {
      for (const [key, info] of Object.entries(inputs)) {
        if (info === undefined || info === null) continue;
        const values = backend.readSync(info.dataId) as tf.backend_util.BackendValues;
        const copy: TensorInfo = { dataId: cpu.write(values, info.shape, info.dtype), shape: info.shape, dtype: info.dtype };
        written.push(copy);
        (cpuInputs as Record<string, TensorInfo>)[key] = copy;
      }
      const out = cpuFunc({ inputs: cpuInputs, backend: cpu, attrs });
      const outs = Array.isArray(out) ? out : [out];
      const back = outs.map((o) => copyBack(o, cpu, backend));
      for (const o of outs) cpu.disposeData(o.dataId);
      return Array.isArray(out) ? back : (back[0] as TensorInfo);
    } finally {
      for (const w of written) cpu.disposeData(w.dataId);
    }
  };
  return { kernelName, backendName, kernelFunc };
}

function copyBack(out: TensorInfo, cpu: KernelBackend, target: KernelBackend): TensorInfo {
  const values = cpu.readSync(out.dataId) as tf.backend_util.BackendValues;
  return { dataId: target.write(values, out.shape, out.dtype), shape: out.shape, dtype: out.dtype };
}

import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { TesseraError } from '../errors.js';
import { gradientsRegisteredBy } from './register-gradients.js';
import { registerTesseraKernels } from './kernels/index.js';

/** The backends Tessera can select, fastest first. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface BackendChoice {
  readonly name: BackendName;
  /** Why it was chosen, printed once at start. */
  readonly reason: string;
}

let reported = false;
let current: BackendChoice | undefined;

async function tryTensorflow(): Promise<boolean> {
  try {
    // Optional peer: present only when the user installed @tensorflow/tfjs-node.
    const name = '@tensorflow/tfjs-node';
    await import(/* @vite-ignore */ name);
    return tf.findBackend('tensorflow') !== null || tf.engine().registryFactory['tensorflow'] !== undefined;
  } catch {
    return false;
  }
}

async function tryWasm(): Promise<boolean> {
  try {
    await import('@tensorflow/tfjs-backend-wasm');
    return tf.engine().registryFactory['wasm'] !== undefined;
  } catch {
    return false;
  }
}

/**
 * Activates a backend. With `'auto'` (the default), picks the fastest
 * available: `tensorflow` (tfjs-node, if installed), else `wasm`, else `cpu`.
 * `TESSERA_BACKEND` overrides `'auto'`. Prints the choice and the reason
 * once per process unless `quiet`.
 */
export async function useBackend(
  requested: BackendName | 'auto' = 'auto',
  opts: { quiet?: boolean; log?: (line: string) => void } = {},
): Promise<BackendChoice> {
  const fromEnv = process.env['TESSERA_BACKEND'] as BackendName | 'auto' | undefined;
  const want = requested === 'auto' && fromEnv ? fromEnv : requested;
  let choice: BackendChoice;
  if (want === 'auto') {
    if (await tryTensorflow()) choice = { name: 'tensorflow', reason: '@tensorflow/tfjs-node is installed (native libtensorflow)' };
    else if (await tryWasm()) choice = { name: 'wasm', reason: '@tensorflow/tfjs-node is not installed; wasm (SIMD) is the fastest available' };
    else choice = { name: 'cpu', reason: 'neither tfjs-node nor the wasm backend could be loaded' };
  } else {
    const ok = want === 'cpu' ? true : want === 'wasm' ? await tryWasm() : await tryTensorflow();
    if (!ok) {
      throw new TesseraError(
        `Backend "${want}" is not available${want === 'tensorflow' ? ': install @tensorflow/tfjs-node (it downloads libtensorflow)' : ''}. Use "auto", "wasm" or "cpu".`,
      );
    }
    choice = { name: want, reason: requested === 'auto' ? 'forced by TESSERA_BACKEND' : 'requested' };
  }
  if (!(await tf.setBackend(choice.name))) throw new TesseraError(`Backend "${choice.name}" failed to initialise.`);
  registerTesseraKernels(choice.name);
  await tf.ready();
  void gradientsRegisteredBy;
  current = choice;
  if (!opts.quiet && !reported) {
    reported = true;
    (opts.log ?? ((l: string) => process.stderr.write(`${l}\n`)))(`tessera: backend ${choice.name} (${choice.reason})`);
  }
  return choice;
}

/** The backend chosen by the last {@link useBackend}, or undefined if Tessera has not chosen one. */
export function chosenBackend(): BackendChoice | undefined {
  return current;
}

/** The backend chosen by the last {@link useBackend}, or the active tfjs backend. */
export function currentBackend(): BackendChoice {
  return current ?? { name: tf.getBackend() as BackendName, reason: 'set outside Tessera' };
}

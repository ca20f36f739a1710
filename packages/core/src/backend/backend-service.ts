import type { ServiceIdentifier } from 'inversify';
import { chosenBackend, useBackend, type BackendChoice } from './use-backend.js';

/** Makes sure a backend is active before the trainer runs. Rebind it to pin one. */
export interface BackendService {
  ensure(): Promise<BackendChoice>;
}
export const BackendServiceToken: ServiceIdentifier<BackendService> = Symbol.for('@tessera/core/BackendService');

/**
 * The default: keeps a backend already chosen with {@link useBackend} (by a
 * test, the CLI or the user), else picks the fastest available and reports it once.
 */
export const autoBackendService: BackendService = {
  async ensure() {
    return chosenBackend() ?? useBackend('auto');
  },
};

import type { Transport } from '../../shared/platform.ts';
import { PROTOCOL_VERSION } from '../../shared/protocol/constants.ts';
import { ok } from '../../shared/result.ts';
import type { createEnvironmentRegistry } from '../transport/environment-registry.ts';
import type { Handlers } from './route.ts';

export type HandlerDeps = {
  readonly extensionVersion: string;
  readonly transport: Transport;
  readonly environments: ReturnType<typeof createEnvironmentRegistry>;
};

/** Which sender class may send which kind. ERP content scripts get nothing here but hand-off kinds. */
export function createHandlers(deps: HandlerDeps): Handlers {
  return {
    ping: {
      from: ['pwa', 'extension-page'],
      run: async () => ok({ extensionVersion: deps.extensionVersion, protocolVersion: PROTOCOL_VERSION }),
    },
    'environments.list': {
      from: ['pwa', 'extension-page'],
      run: async () => ok({ environments: await deps.environments.list() }),
    },
    'transport.send': {
      // The network is for the wallet only: never for ERP pages or their content scripts (T5, T6).
      from: ['pwa'],
      run: (msg) => deps.transport.send(msg.payload),
    },
  };
}

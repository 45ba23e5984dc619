/**
 * How a page calls a flow: `flows.call(method, input, { onProgress, signal })`. The client picks a
 * fresh operation id, routes the worker's progress events for it to `onProgress`, and turns an
 * aborted `signal` into `abortOperation` (the worker cancels; a cancelled login never redeems).
 *
 *   const r = await wallet.flows.call('loginWithToken', { companyId }, { onProgress: show });
 *   if (!r.ok) showError(r.error);
 *
 * Two implementations: over the key worker's RPC (vault-client.ts, the PWA) and in-process over a
 * FlowService (Node tests, which run the same flows against the sandbox).
 */
import type { FlowMethod, FlowProgress, WalletFlows } from './flow-api.ts';
import type { FlowLink, FlowService } from './flow-service.ts';

export type FlowInput<K extends FlowMethod> = Omit<Parameters<WalletFlows[K]>[0], 'operationId'>;
export type FlowOutput<K extends FlowMethod> = Awaited<ReturnType<WalletFlows[K]>>;
export type FlowCallOptions = {
  readonly onProgress?: (p: FlowProgress) => void;
  readonly signal?: AbortSignal;
};

export type FlowClient = {
  call<K extends FlowMethod>(
    method: K,
    input: FlowInput<K>,
    options?: FlowCallOptions,
  ): Promise<FlowOutput<K>>;
};

export const newOperationId = (): string =>
  Array.from(globalThis.crypto.getRandomValues(new Uint8Array(12)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');

/** The generic part: operation ids, progress routing, abort. `invoke` does the actual call. */
export function createFlowClient(
  invoke: (method: FlowMethod, params: unknown) => Promise<unknown>,
  listeners: Map<string, (p: FlowProgress) => void>,
): FlowClient {
  return {
    async call<K extends FlowMethod>(
      method: K,
      input: FlowInput<K>,
      options: FlowCallOptions = {},
    ): Promise<FlowOutput<K>> {
      const operationId = newOperationId();
      const params = method === 'listAuthRequests' ? input : { ...input, operationId };
      if (options.onProgress) listeners.set(operationId, options.onProgress);
      const onAbort = () => void invoke('abortOperation', { operationId });
      options.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return (await invoke(method, params)) as FlowOutput<K>;
      } finally {
        listeners.delete(operationId);
        options.signal?.removeEventListener('abort', onAbort);
      }
    },
  };
}

/** In-process client over a FlowService (tests): the same flows, without the worker boundary. */
export function createLocalFlowClient(service: FlowService, transport: FlowLink['transport']): FlowClient {
  const listeners = new Map<string, (p: FlowProgress) => void>();
  const link: FlowLink = { transport, progress: (p) => listeners.get(p.operationId)?.(p) };
  return createFlowClient((method, params) => service.run(method, params as never, link), listeners);
}

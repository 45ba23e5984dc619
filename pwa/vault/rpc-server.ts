/**
 * The worker side of the RPC: every message is checked — envelope, method, argument schema — before
 * the vault sees it; anything else gets a `BAD_REQUEST` reply (or nothing, when it is not even an
 * envelope with an id). Senders: a SharedWorker port can only be opened by a page of the same
 * origin (the browser enforces it), so the origin check is the browser's; what is checked here is
 * the message.
 *
 * Flow methods (pwa/flows) run with this port as their way to KSeF: each KSeF request of the flow
 * is relayed to the page that called it (relay-transport.ts), and the flow's progress goes back to
 * the same page as events. The relay's answers arrive on this port too and are taken first.
 */
import * as v from 'valibot';
import type { Transport } from '../../shared/platform.ts';
import type { FlowProgress } from '../flows/flow-api.ts';
import { createRelayTransport } from '../flows/relay-transport.ts';
import {
  FLOW_RPC_METHODS,
  type FlowRpcMethod,
  isFlowRpcMethod,
  METHODS,
  RequestSchema,
  RPC,
  type RpcReply,
  type VaultMethod,
} from './rpc-contract.ts';
import type { Vault, VaultEvent } from './vault-api.ts';

export type RpcPort = {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
  start?(): void;
};

/** What a flow call gets from the port it came on. */
export type FlowPortLink = {
  readonly transport: Transport;
  progress(p: FlowProgress): void;
};

/** The worker's flow methods (flow-service.ts), already validated arguments in. */
export type FlowRunner = {
  run(method: FlowRpcMethod, params: unknown, link: FlowPortLink): Promise<unknown>;
};

export function serveVault(port: RpcPort, vault: Vault, flows?: FlowRunner): { notify(e: VaultEvent): void } {
  const relay = createRelayTransport(port);
  const link: FlowPortLink = {
    transport: relay,
    progress: (progress) => {
      try {
        port.postMessage({ rpc: RPC.PROTOCOL, v: RPC.VERSION, progress });
      } catch {
        // A progress event that cannot be posted is only a missed update.
      }
    },
  };
  port.addEventListener('message', (e) => {
    if (relay.accept(e.data)) return;
    void handle(port, vault, flows, link, e.data);
  });
  port.start?.();
  return {
    notify: (event) => port.postMessage({ rpc: RPC.PROTOCOL, v: RPC.VERSION, event }),
  };
}

async function handle(
  port: RpcPort,
  vault: Vault,
  flows: FlowRunner | undefined,
  link: FlowPortLink,
  data: unknown,
): Promise<void> {
  const req = v.safeParse(RequestSchema, data);
  if (!req.success) {
    const id = (data as { id?: unknown })?.id;
    if (typeof id === 'string' && id.length <= 64)
      reply(port, failure(id, 'BAD_MESSAGE', 'BAD_REQUEST', 'envelope'));
    return;
  }
  const { id, method, params } = req.output;
  const flow = isFlowRpcMethod(method);
  const schema = flow ? FLOW_RPC_METHODS[method] : METHODS[method as VaultMethod];
  const args = v.safeParse(schema as v.GenericSchema, params);
  if (!args.success) {
    // The reply names the parameter only when the schema declares it: a key the caller made up
    // (which could carry anything, a secret pasted in the wrong place included) is never echoed.
    const first = args.issues[0]?.path?.[0]?.key;
    const declared = (schema as { entries?: Record<string, unknown> }).entries;
    const named = typeof first === 'string' && declared !== undefined && Object.hasOwn(declared, first);
    reply(port, failure(id, 'BAD_MESSAGE', 'BAD_REQUEST', named ? `${method}.${first}` : method));
    return;
  }
  try {
    let result: unknown;
    if (flow) {
      if (!flows) return reply(port, failure(id, 'BAD_MESSAGE', 'BAD_REQUEST', `${method}: no flows here`));
      result = await flows.run(method, args.output, link);
    } else {
      const fn = vault[method as VaultMethod] as (arg: unknown) => Promise<unknown>;
      result = await fn.call(vault, args.output);
    }
    reply(port, { rpc: RPC.PROTOCOL, v: RPC.VERSION, id, result });
  } catch {
    // Never the exception's text: it could quote an argument (a passphrase, a secret).
    reply(port, failure(id, 'INTERNAL', 'STORAGE_FAILED', method));
  }
}

function failure(
  id: string,
  code: 'BAD_MESSAGE' | 'INTERNAL',
  reason: 'BAD_REQUEST' | 'STORAGE_FAILED',
  detail: string,
): RpcReply {
  return { rpc: RPC.PROTOCOL, v: RPC.VERSION, id, failure: { code, reason, detail } };
}

function reply(port: RpcPort, message: RpcReply): void {
  try {
    port.postMessage(message);
  } catch {
    // A reply that cannot be cloned is a programmer error; the caller times out rather than hangs.
  }
}

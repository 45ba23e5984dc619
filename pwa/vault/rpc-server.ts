/**
 * The worker side of the RPC: every message is checked — envelope, method, argument schema — before
 * the vault sees it; anything else gets a `BAD_REQUEST` reply (or nothing, when it is not even an
 * envelope with an id). Senders: a SharedWorker port can only be opened by a page of the same
 * origin (the browser enforces it), so the origin check is the browser's; what is checked here is
 * the message.
 */
import * as v from 'valibot';
import { METHODS, RequestSchema, RPC, type RpcReply } from './rpc-contract.ts';
import type { Vault, VaultEvent } from './vault-api.ts';

export type RpcPort = {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
  start?(): void;
};

export function serveVault(port: RpcPort, vault: Vault): { notify(e: VaultEvent): void } {
  port.addEventListener('message', (e) => {
    void handle(port, vault, e.data);
  });
  port.start?.();
  return {
    notify: (event) => port.postMessage({ rpc: RPC.PROTOCOL, v: RPC.VERSION, event }),
  };
}

async function handle(port: RpcPort, vault: Vault, data: unknown): Promise<void> {
  const req = v.safeParse(RequestSchema, data);
  if (!req.success) {
    const id = (data as { id?: unknown })?.id;
    if (typeof id === 'string' && id.length <= 64)
      reply(port, failure(id, 'BAD_MESSAGE', 'BAD_REQUEST', 'envelope'));
    return;
  }
  const { id, method, params } = req.output;
  const schema = METHODS[method];
  const args = v.safeParse(schema as v.GenericSchema, params);
  if (!args.success) {
    const path = args.issues[0]?.path?.map((p) => String(p.key)).join('.') ?? '';
    reply(port, failure(id, 'BAD_MESSAGE', 'BAD_REQUEST', `${method}${path ? `.${path}` : ''}`));
    return;
  }
  try {
    const fn = vault[method] as (arg: unknown) => Promise<unknown>;
    const result = await fn.call(vault, args.output);
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

/**
 * The two ends of the KSeF relay between the key worker and a page (ARCHITECTURE: "the extension is
 * the network"; a worker cannot reach the extension, only a page can through externally_connectable).
 *
 * Worker end, `createRelayTransport(port)`: a `Transport` that posts each `KsefRequest` to the page
 * that called the flow and waits for its answer — the flow's own request, built from a challenge the
 * worker fetched; the page never chooses what is sent. A page that went away (closed, reloaded on
 * lock) simply never answers: the request ends as NETWORK after the timeout.
 *
 * Page end, `answerRelay(data, port, transport)`: forwards a relayed request to the extension and
 * posts back exactly the extension's Result — it moves bytes, nothing else.
 */
import * as v from 'valibot';
import type { KsefRequest, KsefResponse } from '../../shared/ksef/transport-types.ts';
import type { Transport } from '../../shared/platform.ts';
import { fail, type Result } from '../../shared/result.ts';
import { RelayReplySchema, RelayRequestSchema } from './flow-contract.ts';

/** A little over the extension's own 30 s cap per request (SECURITY.md T6). */
export const RELAY_TIMEOUT_MS = 35_000;

type Port = { postMessage(message: unknown): void };

const relayId = () =>
  Array.from(globalThis.crypto.getRandomValues(new Uint8Array(12)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');

export type RelayTransport = Transport & {
  /** Feeds a message from the page; true when it was a relay reply (consumed). */
  accept(data: unknown): boolean;
};

export function createRelayTransport(port: Port, timeoutMs = RELAY_TIMEOUT_MS): RelayTransport {
  const waiting = new Map<string, (r: Result<KsefResponse>) => void>();
  return {
    accept(data) {
      if (!data || typeof data !== 'object' || !('relayReply' in data)) return false;
      const r = v.safeParse(RelayReplySchema, data);
      if (!r.success) return true;
      const resolve = waiting.get(r.output.relayReply.id);
      if (!resolve) return true;
      waiting.delete(r.output.relayReply.id);
      const result = r.output.relayReply.result;
      resolve(
        result.ok
          ? { ok: true, value: result.value as KsefResponse }
          : fail(result.error.code, {
              ...(result.error.detail ? { detail: result.error.detail } : {}),
              ...(result.error.retryAfterMs !== undefined ? { retryAfterMs: result.error.retryAfterMs } : {}),
            }),
      );
      return true;
    },
    send(request: KsefRequest, signal?: AbortSignal): Promise<Result<KsefResponse>> {
      if (signal?.aborted) return Promise.resolve(fail('ABORTED'));
      const id = relayId();
      return new Promise((resolve) => {
        const done = (r: Result<KsefResponse>) => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          waiting.delete(id);
          resolve(r);
        };
        const onAbort = () => done(fail('ABORTED'));
        const timer = setTimeout(
          () => done(fail('NETWORK', { detail: 'the page did not relay the request' })),
          timeoutMs,
        );
        signal?.addEventListener('abort', onAbort, { once: true });
        waiting.set(id, done);
        try {
          port.postMessage({ rpc: 'ksef-wallet-vault', v: 1, relay: { id, request } });
        } catch {
          done(fail('INTERNAL', { detail: 'the request could not be posted' }));
        }
      });
    },
  };
}

/**
 * Page end: answers one relayed request through the extension. Returns false when `data` is not a
 * relay request (so the caller handles it as an ordinary reply or event).
 */
export function answerRelay(data: unknown, port: Port, transport: Transport | undefined): boolean {
  if (!data || typeof data !== 'object' || !('relay' in data)) return false;
  const r = v.safeParse(RelayRequestSchema, data);
  if (!r.success) return true;
  const { id, request } = r.output.relay;
  const reply = (result: Result<KsefResponse>) =>
    port.postMessage({ rpc: 'ksef-wallet-vault', v: 1, relayReply: { id, result: plainResult(result) } });
  if (!transport) {
    reply(fail('EXTENSION_MISSING'));
    return true;
  }
  void transport.send(request as KsefRequest).then(reply, () => reply(fail('NETWORK')));
  return true;
}

/** Only the fields the worker's schema takes: the extension's error may carry more. */
function plainResult(r: Result<KsefResponse>): unknown {
  if (r.ok)
    return {
      ok: true,
      value: { status: r.value.status, headers: { ...r.value.headers }, body: r.value.body },
    };
  return {
    ok: false,
    error: {
      code: r.error.code,
      ...(r.error.detail ? { detail: r.error.detail.slice(0, 2000) } : {}),
      ...(r.error.retryAfterMs !== undefined ? { retryAfterMs: r.error.retryAfterMs } : {}),
    },
  };
}

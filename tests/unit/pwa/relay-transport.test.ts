/**
 * The KSeF relay between the key worker and the page (flows/relay-transport.ts): the worker's end
 * waits for the calling page's answer (and gives up when the page went away, or when cancelled);
 * the page's end forwards only a well-formed `transport.send` request — an operation from the
 * official spec, never a URL — and posts back exactly the extension's Result.
 */
import { describe, expect, it } from 'vitest';
import { answerRelay, createRelayTransport } from '../../../pwa/flows/relay-transport.ts';
import type { KsefRequest } from '../../../shared/ksef/transport-types.ts';
import type { Transport } from '../../../shared/platform.ts';
import { ok } from '../../../shared/result.ts';

const REQUEST: KsefRequest = { env: 'TEST', operation: 'POST /auth/challenge', body: '{}' };

/** Two ends joined in process, as the worker port and the page port would be. */
function joined(pageTransport: Transport | undefined) {
  const toPage: unknown[] = [];
  const worker = createRelayTransport({ postMessage: (m) => toPage.push(m) }, 200);
  const pagePort = { postMessage: (m: unknown) => worker.accept(m) };
  return {
    worker,
    toPage,
    deliver: () => {
      for (const m of toPage.splice(0)) answerRelay(m, pagePort, pageTransport);
    },
  };
}

describe('KSeF relay', () => {
  it('carries a request to the extension and its answer back unchanged', async () => {
    const seen: KsefRequest[] = [];
    const j = joined({
      send: async (req) => {
        seen.push(req);
        return ok({
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: '{"challenge":"x"}',
        });
      },
    });
    const answer = j.worker.send(REQUEST);
    j.deliver();
    expect(await answer).toEqual(
      ok({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"challenge":"x"}' }),
    );
    expect(seen).toEqual([REQUEST]);
  });

  it('passes the extension’s refusal on as the same error code', async () => {
    const j = joined({
      send: async () => ({ ok: false, error: { code: 'UNKNOWN_ENVIRONMENT', detail: 'x' } }),
    });
    const answer = j.worker.send(REQUEST);
    j.deliver();
    expect(await answer).toMatchObject({ ok: false, error: { code: 'UNKNOWN_ENVIRONMENT' } });
  });

  it('answers EXTENSION_MISSING when the page has no way to the extension', async () => {
    const j = joined(undefined);
    const answer = j.worker.send(REQUEST);
    j.deliver();
    expect(await answer).toMatchObject({ ok: false, error: { code: 'EXTENSION_MISSING' } });
  });

  it('ends as NETWORK when the page never answers (closed, reloading on lock)', async () => {
    const j = joined(undefined);
    expect(await j.worker.send(REQUEST)).toMatchObject({ ok: false, error: { code: 'NETWORK' } });
  });

  it('ends as ABORTED when the flow is cancelled', async () => {
    const j = joined(undefined);
    const c = new AbortController();
    const answer = j.worker.send(REQUEST, c.signal);
    c.abort();
    expect(await answer).toMatchObject({ ok: false, error: { code: 'ABORTED' } });
  });

  it('forwards nothing that is not a well-formed request for an operation of the spec', () => {
    const sent: unknown[] = [];
    const transport: Transport = {
      send: async (r) => {
        sent.push(r);
        return ok({ status: 200, headers: {}, body: '' });
      },
    };
    const port = { postMessage: () => {} };
    const relay = (request: unknown) => ({
      rpc: 'ksef-wallet-vault',
      v: 1,
      relay: { id: 'abcdefgh12', request },
    });
    for (const bad of [
      { env: 'TEST', operation: 'https://evil.example/v2/auth/challenge' },
      { env: 'TEST', operation: 'GET /invoices/ksef/{ksefNumber}' },
      { env: 'https://evil.example', operation: 'POST /auth/challenge' },
      { env: 'TEST', operation: 'POST /auth/challenge', url: 'https://evil.example' },
    ])
      expect(answerRelay(relay(bad), port, transport)).toBe(true);
    expect(answerRelay({ rpc: 'ksef-wallet-vault', v: 1, id: 'x', method: 'status' }, port, transport)).toBe(
      false,
    );
    expect(sent).toEqual([]);
  });

  it('ignores a reply that is not the extension’s Result shape, and a reply to nobody', async () => {
    const worker = createRelayTransport({ postMessage: () => {} }, 100);
    const answer = worker.send(REQUEST);
    expect(
      worker.accept({
        rpc: 'ksef-wallet-vault',
        v: 1,
        relayReply: { id: 'nobody-here', result: { ok: true } },
      }),
    ).toBe(true);
    expect(await answer).toMatchObject({ ok: false, error: { code: 'NETWORK' } });
  });
});

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFetchTransport } from '../../../shared/ksef/fetch-transport.ts';

let server: Server;
let base: string;
const hits: { url: string; cookie?: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push({ url: req.url ?? '', cookie: req.headers.cookie });
    if (req.url === '/v2/auth/challenge') {
      res.writeHead(200, {
        'content-type': 'application/json',
        'retry-after': '3',
        'set-cookie': 'a=b',
        'x-secret': 'no',
      });
      return res.end('{"challenge":"x"}');
    }
    if (req.url === '/v2/certificates/limits') {
      res.writeHead(307, { location: '/v2/auth/challenge' });
      return res.end();
    }
    if (req.url === '/v2/security/public-key-certificates') {
      // No content-length: the cap must hold while streaming.
      res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      for (let i = 0; i < 20; i++) res.write(chunk);
      return res.end();
    }
    if (req.url === '/v2/auth/sessions') return; // never answers
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v2`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

const transport = (opts: { timeoutMs?: number } = {}) =>
  createFetchTransport({ fetch, resolveBaseUrl: (env) => (env === 'custom:local' ? base : null), ...opts });

describe('createFetchTransport', () => {
  it('returns status, allowlisted headers and body', async () => {
    const r = await transport().send({ env: 'custom:local', operation: 'POST /auth/challenge', body: '{}' });
    expect(r).toEqual({
      ok: true,
      value: {
        status: 200,
        headers: { 'content-type': 'application/json', 'retry-after': '3' },
        body: '{"challenge":"x"}',
      },
    });
  });

  it('does not follow redirects', async () => {
    const before = hits.length;
    const r = await transport().send({ env: 'custom:local', operation: 'GET /certificates/limits' });
    expect(r).toMatchObject({ ok: false, error: { code: 'REDIRECT_REFUSED' } });
    expect(hits.slice(before).map((h) => h.url)).toEqual(['/v2/certificates/limits']);
  });

  it('stops reading a streamed body past 1 MiB', async () => {
    const r = await transport().send({
      env: 'custom:local',
      operation: 'GET /security/public-key-certificates',
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'RESPONSE_TOO_LARGE' } });
  });

  it('gives up after its time limit', async () => {
    const r = await transport({ timeoutMs: 200 }).send({
      env: 'custom:local',
      operation: 'GET /auth/sessions',
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
  });

  it('can be cancelled', async () => {
    const ac = new AbortController();
    const pending = transport().send({ env: 'custom:local', operation: 'GET /auth/sessions' }, ac.signal);
    ac.abort();
    expect(await pending).toMatchObject({ ok: false, error: { code: 'ABORTED' } });
  });

  it('refuses an environment it does not know', async () => {
    expect(await transport().send({ env: 'custom:other', operation: 'POST /auth/challenge' })).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_ENVIRONMENT' },
    });
  });

  it('refuses a request body over 1 MiB before sending it', async () => {
    const before = hits.length;
    const r = await transport().send({
      env: 'custom:local',
      operation: 'POST /auth/xades-signature',
      body: 'ż'.repeat(600 * 1024),
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'REQUEST_TOO_LARGE' } });
    expect(hits.length).toBe(before);
  });

  it('reports a refused connection as NETWORK', async () => {
    const t = createFetchTransport({ fetch, resolveBaseUrl: () => 'http://127.0.0.1:9/v2' });
    expect(await t.send({ env: 'custom:local', operation: 'POST /auth/challenge' })).toMatchObject({
      ok: false,
      error: { code: 'NETWORK' },
    });
  });
});

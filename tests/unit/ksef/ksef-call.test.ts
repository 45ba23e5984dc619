import { describe, expect, it } from 'vitest';
import { createKsefClient } from '../../../shared/ksef/ksef-client.ts';
import { createMemoryRateLimitGate } from '../../../shared/ksef/rate-limit-gate.ts';
import {
  CHALLENGE,
  challengeBody,
  fakeClock,
  fixedRandom,
  initBody,
  json,
  REF,
  scriptedTransport,
  statusBody,
} from './fakes.ts';

const subtle = globalThis.crypto.subtle;
const context = { type: 'Nip', value: '5265877635' } as const;

function setup(transport = scriptedTransport(), clock = fakeClock(), gate = createMemoryRateLimitGate()) {
  const client = createKsefClient({
    transport,
    clock,
    subtle,
    env: 'custom:sandbox',
    context,
    random: fixedRandom(),
    rateLimitGate: gate,
  });
  return { client, transport, clock, gate };
}

describe('requests', () => {
  it('name an operation, ask for problem-details errors and send JSON in camelCase', async () => {
    const { client, transport } = setup();
    transport.on('POST /auth/ksef-token', json(202, initBody));
    await client.auth.submitKsefToken({
      challenge: CHALLENGE,
      contextIdentifier: { type: 'Nip', value: '5265877635' },
      encryptedToken: 'AAAA',
      publicKeyId: 'x'.repeat(44),
    });
    const req = transport.requests[0]!;
    expect(req).toMatchObject({ env: 'custom:sandbox', operation: 'POST /auth/ksef-token' });
    expect(req.headers).toMatchObject({
      'x-error-format': 'problem-details',
      'content-type': 'application/json',
      accept: 'application/json',
    });
    expect(JSON.parse(req.body!)).toEqual({
      challenge: CHALLENGE,
      contextIdentifier: { type: 'Nip', value: '5265877635' },
      encryptedToken: 'AAAA',
      publicKeyId: 'x'.repeat(44),
    });
  });

  it('send a signed document byte for byte as application/xml', async () => {
    const { client, transport } = setup();
    transport.on('POST /auth/xades-signature', json(202, initBody));
    const xml =
      '<?xml version="1.0" encoding="utf-8"?>\n<AuthTokenRequest xmlns="x">  \r\n</AuthTokenRequest>';
    await client.auth.submitXadesSignature(xml, {
      verifyCertificateChain: false,
      enforceXadesCompliance: true,
    });
    const req = transport.requests[0]!;
    expect(req.body).toBe(xml);
    expect(req.headers).toMatchObject({
      'content-type': 'application/xml',
      'x-ksef-feature': 'enforce-xades-compliance',
    });
    expect(req.query).toEqual({ verifyCertificateChain: false });
  });

  it('put the bearer token only in the Authorization header', async () => {
    const { client, transport } = setup();
    transport.on('GET /auth/{referenceNumber}', json(200, statusBody(100)));
    await client.auth.status({ referenceNumber: REF, authenticationToken: 'op-token-secret' });
    const req = transport.requests[0]!;
    expect(req.headers?.authorization).toBe('Bearer op-token-secret');
    expect(JSON.stringify({ ...req, headers: {} })).not.toContain('op-token-secret');
  });
});

describe('responses', () => {
  it('are validated: a missing field is BAD_RESPONSE naming it', async () => {
    const { client, transport } = setup();
    transport.on('POST /auth/challenge', json(200, { ...challengeBody(), timestampMs: undefined }));
    expect(await client.auth.challenge()).toMatchObject({
      ok: false,
      error: { code: 'BAD_RESPONSE', detail: expect.stringContaining('timestampMs') },
    });
  });

  it('never quote the offending value in BAD_RESPONSE (it could be a token)', async () => {
    const { client, transport } = setup();
    transport.on(
      'POST /auth/token/redeem',
      json(200, {
        accessToken: { token: 'secret-access', validUntil: 'soon' },
        refreshToken: { token: 'secret-refresh', validUntil: 7 },
      }),
    );
    const r = await client.auth.redeem('t');
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'BAD_RESPONSE', detail: expect.stringContaining('accessToken.validUntil') },
    });
    expect(JSON.stringify(r)).not.toMatch(/secret|soon/);
  });

  it('ignore unknown properties and read nulls as absent', async () => {
    const { client, transport } = setup();
    transport.on(
      'GET /auth/{referenceNumber}',
      json(200, {
        ...statusBody(200),
        isTokenRedeemed: null,
        refreshTokenValidUntil: null,
        brandNew: { x: 1 },
      }),
    );
    const r = await client.auth.status({ referenceNumber: REF, authenticationToken: 't' });
    expect(r.ok && r.value.status.code).toBe(200);
    expect(r.ok && 'brandNew' in r.value).toBe(false);
  });

  it('reject a body that is not JSON', async () => {
    const { client, transport } = setup();
    transport.on('POST /auth/challenge', { status: 200, headers: {}, body: '<html/>' });
    expect(await client.auth.challenge()).toMatchObject({ ok: false, error: { code: 'BAD_RESPONSE' } });
  });

  it('turn KSeF errors into one shape with the number passed through', async () => {
    const { client, transport } = setup();
    transport.on(
      'POST /auth/xades-signature',
      json(400, {
        title: 'Bad Request',
        status: 400,
        errors: [{ code: 21111, description: 'Nieprawidłowe wyzwanie autoryzacyjne.' }],
        traceId: 'tr',
      }),
    );
    expect(await client.auth.submitXadesSignature('<x/>')).toEqual({
      ok: false,
      error: {
        code: 'KSEF_REJECTED',
        ksef: {
          httpStatus: 400,
          code: 21111,
          description: 'Nieprawidłowe wyzwanie autoryzacyjne.',
          traceId: 'tr',
        },
      },
    });
  });

  it('pass X-System-Warning entries on', async () => {
    const { client, transport } = setup();
    transport.on(
      'POST /auth/xades-signature',
      json(202, initBody, { 'x-system-warning': '[sig-001]: Format podpisu niezgodny | [x-2]: inny' }),
    );
    const r = await client.auth.submitXadesSignature('<x/>');
    expect(r.ok && r.value.warnings).toEqual(['[sig-001]: Format podpisu niezgodny', '[x-2]: inny']);
  });
});

describe('retries', () => {
  it('re-send an idempotent GET after 5xx and network errors, with jittered back-off', async () => {
    const { client, transport, clock } = setup();
    transport.on('GET /auth/{referenceNumber}', json(503, {}), 'network', json(200, statusBody(100)));
    const r = await client.auth.status({ referenceNumber: REF, authenticationToken: 't' });
    expect(r.ok).toBe(true);
    expect(transport.count()).toBe(3);
    expect(clock.sleeps).toEqual([200, 400]);
  });

  it('give up on a GET after three retries with KSEF_UNAVAILABLE', async () => {
    const { client, transport } = setup();
    transport.on('GET /auth/{referenceNumber}', json(500, { title: 'x' }));
    const r = await client.auth.status({ referenceNumber: REF, authenticationToken: 't' });
    expect(r).toMatchObject({ ok: false, error: { code: 'KSEF_UNAVAILABLE', ksef: { httpStatus: 500 } } });
    expect(transport.count()).toBe(4);
  });

  it('never re-send a submission or a redeem after a lost answer', async () => {
    const { client, transport } = setup();
    transport.on('POST /auth/xades-signature', 'network');
    transport.on('POST /auth/token/redeem', json(502, {}));
    expect((await client.auth.submitXadesSignature('<x/>')).ok).toBe(false);
    expect((await client.auth.redeem('t')).ok).toBe(false);
    expect(transport.count('POST /auth/xades-signature')).toBe(1);
    expect(transport.count('POST /auth/token/redeem')).toBe(1);
  });

  it('wait out Retry-After on 429 and then re-send, even a submission (a 429 was not processed)', async () => {
    const { client, transport, clock } = setup();
    transport.on(
      'POST /auth/ksef-token',
      json(429, { title: 'Too Many Requests', status: 429 }, { 'retry-after': '2' }),
      json(202, initBody),
    );
    const r = await client.auth.submitKsefToken({
      challenge: CHALLENGE,
      contextIdentifier: { type: 'Nip', value: '5265877635' },
      encryptedToken: 'AAAA',
    });
    expect(r.ok).toBe(true);
    expect(clock.sleeps).toEqual([2000]);
  });

  it('share a Retry-After between clients of the same company, so parallel flows wait too', async () => {
    const gate = createMemoryRateLimitGate();
    const clock = fakeClock();
    const a = setup(scriptedTransport(), clock, gate);
    const b = setup(scriptedTransport(), clock, gate);
    const other = createKsefClient({
      transport: scriptedTransport().on('POST /auth/challenge', json(200, challengeBody())),
      clock,
      subtle,
      env: 'custom:sandbox',
      context: { type: 'Nip', value: '1111111111' },
      rateLimitGate: gate,
    });
    a.transport.on(
      'POST /auth/challenge',
      json(429, {}, { 'retry-after': '20' }),
      json(200, challengeBody()),
    );
    b.transport.on('POST /auth/challenge', json(200, challengeBody()));
    // a is told to wait 20 s and does; 5 s into that wait, b asks for the same company and waits the
    // remaining 15 s before it sends at all.
    const ra = a.client.auth.challenge();
    await new Promise((r) => setTimeout(r, 0));
    expect(clock.sleeps).toEqual([20_000]);
    clock.advance(-15_000);
    const rb = await b.client.auth.challenge();
    expect(rb.ok && (await ra).ok).toBe(true);
    expect(clock.sleeps).toEqual([20_000, 15_000]);
    // A company in another context is not held up.
    gate.block('custom:sandbox|Nip:5265877635', clock.now() + 30_000);
    expect((await other.auth.challenge()).ok).toBe(true);
    expect(clock.sleeps).toEqual([20_000, 15_000]);
  });

  it('answer RATE_LIMITED at once when the wait would be longer than a minute', async () => {
    const { client, transport, clock } = setup();
    transport.on(
      'POST /auth/challenge',
      json(
        429,
        { status: { code: 429, description: 'Too Many Requests', details: [] } },
        { 'retry-after': '600' },
      ),
    );
    const r = await client.auth.challenge();
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED', retryAfterMs: 600_000, ksef: { httpStatus: 429 } },
    });
    expect(clock.sleeps).toEqual([]);
    // A second call does not even try while the block lasts.
    await client.auth.challenge();
    expect(transport.count()).toBe(1);
  });

  it('stop retrying when cancelled', async () => {
    const { client, transport } = setup();
    const ac = new AbortController();
    transport.on('GET /auth/{referenceNumber}', () => {
      ac.abort();
      return json(503, {});
    });
    const r = await client.auth.status({ referenceNumber: REF, authenticationToken: 't' }, ac.signal);
    expect(r).toMatchObject({ ok: false, error: { code: 'ABORTED' } });
    expect(transport.count()).toBe(1);
  });
});

/**
 * The login state machines against a scripted Transport (the injected platform), with real crypto:
 * request order and count, restarts, one-shot redeem, cancellation, progress. The same behaviours
 * are proven over HTTP against the sandbox in tests/integration/client.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildSignedAuthTokenRequest,
  createSelfSignedTestCertificate,
} from '../../../shared/crypto/index.ts';
import { createKsefClient } from '../../../shared/ksef/ksef-client.ts';
import type { LoginProgress } from '../../../shared/ksef/login-types.ts';
import { loginWithKsefToken } from '../../../shared/ksef/login-with-ksef-token.ts';
import { prepareSignedRequest, submitSignedRequest } from '../../../shared/ksef/login-with-signed-request.ts';
import { loginWithTestCertificate } from '../../../shared/ksef/login-with-test-certificate.ts';
import { createMemoryPublicKeyCache } from '../../../shared/ksef/public-keys.ts';
import type { EnvironmentId } from '../../../shared/ksef/transport-types.ts';
import {
  challengeBody,
  encryptionKeyList,
  fakeClock,
  fixedRandom,
  initBody,
  json,
  scriptedTransport,
  statusBody,
  tokensBody,
} from './fakes.ts';

const subtle = globalThis.crypto.subtle;
const context = { type: 'Nip', value: '5265877635' } as const;
const TOKEN = '20261125-EC-2DFC46C000-3AC6D5877F-D4|nip-5265877635|919f'.padEnd(90, '0');
let keyList: object[];

beforeAll(async () => {
  keyList = await encryptionKeyList();
});

function setup(env: EnvironmentId = 'custom:sandbox') {
  const clock = fakeClock();
  const transport = scriptedTransport();
  const cache = createMemoryPublicKeyCache();
  const client = createKsefClient({
    transport,
    clock,
    subtle,
    env,
    context,
    random: fixedRandom(),
    publicKeyCache: cache,
  });
  transport
    .on('GET /security/public-key-certificates', json(200, keyList))
    .on('POST /auth/challenge', json(200, challengeBody()))
    .on('POST /auth/ksef-token', json(202, initBody))
    .on('GET /auth/{referenceNumber}', json(200, statusBody(200)))
    .on('POST /auth/token/redeem', json(200, tokensBody));
  return { clock, transport, client };
}

const opsOf = (t: ReturnType<typeof scriptedTransport>) => t.requests.map((r) => r.operation);

describe('KSeF token login', () => {
  it('takes exactly public key + challenge + submit + status + redeem, and 4 with a warm key cache', async () => {
    const { transport, client } = setup();
    const r = await loginWithKsefToken(client, { token: TOKEN });
    expect(r).toEqual({
      ok: true,
      value: {
        accessToken: 'access.jwt',
        accessTokenValidUntil: tokensBody.accessToken.validUntil,
        refreshToken: 'refresh.jwt',
        refreshTokenValidUntil: tokensBody.refreshToken.validUntil,
        referenceNumber: initBody.referenceNumber,
        method: 'ksefToken',
        authenticationMethodInfo: { category: 'Token', code: 'token.ksef', displayName: 'Token KSeF' },
        clientIp: '127.0.0.1',
      },
    });
    expect(opsOf(transport)).toEqual([
      'GET /security/public-key-certificates',
      'POST /auth/challenge',
      'POST /auth/ksef-token',
      'GET /auth/{referenceNumber}',
      'POST /auth/token/redeem',
    ]);
    const body = JSON.parse(transport.requests[2]!.body!);
    expect(body).toMatchObject({ challenge: challengeBody().challenge, contextIdentifier: context });
    expect(body.publicKeyId).toHaveLength(44);
    expect(transport.requests[3]!.headers?.authorization).toBe('Bearer op.jwt.token');
    transport.requests.length = 0;
    expect((await loginWithKsefToken(client, { token: TOKEN })).ok).toBe(true);
    expect(opsOf(transport)).toHaveLength(4);
  });

  it('refetches the key once after 21470, with a fresh challenge, and does not loop', async () => {
    const unknownKey = json(400, {
      title: 'Bad Request',
      status: 400,
      errors: [
        {
          code: 21470,
          description: 'Przesłany identyfikator klucza jest nieznany lub wskazuje na wycofany klucz.',
        },
      ],
    });
    const t2 = scriptedTransport()
      .on('GET /security/public-key-certificates', json(200, keyList))
      .on('POST /auth/challenge', json(200, challengeBody()))
      .on('POST /auth/ksef-token', unknownKey, json(202, initBody))
      .on('GET /auth/{referenceNumber}', json(200, statusBody(200)))
      .on('POST /auth/token/redeem', json(200, tokensBody));
    const c2 = createKsefClient({
      transport: t2,
      clock: fakeClock(),
      subtle,
      env: 'custom:sandbox',
      context,
    });
    expect((await loginWithKsefToken(c2, { token: TOKEN })).ok).toBe(true);
    expect(opsOf(t2)).toEqual([
      'GET /security/public-key-certificates',
      'POST /auth/challenge',
      'POST /auth/ksef-token',
      'GET /security/public-key-certificates',
      'POST /auth/challenge',
      'POST /auth/ksef-token',
      'GET /auth/{referenceNumber}',
      'POST /auth/token/redeem',
    ]);
    const t3 = scriptedTransport()
      .on('GET /security/public-key-certificates', json(200, keyList))
      .on('POST /auth/challenge', json(200, challengeBody()))
      .on('POST /auth/ksef-token', unknownKey);
    const c3 = createKsefClient({
      transport: t3,
      clock: fakeClock(),
      subtle,
      env: 'custom:sandbox',
      context,
    });
    expect(await loginWithKsefToken(c3, { token: TOKEN })).toMatchObject({
      ok: false,
      error: { code: 'KSEF_REJECTED', ksef: { code: 21470 } },
    });
    expect(t3.count('POST /auth/ksef-token')).toBe(2);
  });

  it('answers a lost submission with a fresh challenge once, never a re-POST of the same body', async () => {
    const t = scriptedTransport()
      .on('GET /security/public-key-certificates', json(200, keyList))
      .on(
        'POST /auth/challenge',
        json(200, challengeBody(1)),
        json(200, challengeBody(2)),
        json(200, challengeBody(3)),
      )
      .on('POST /auth/ksef-token', 'network');
    const c = createKsefClient({ transport: t, clock: fakeClock(), subtle, env: 'custom:sandbox', context });
    const r = await loginWithKsefToken(c, { token: TOKEN });
    expect(r).toMatchObject({ ok: false, error: { code: 'SUBMISSION_LOST' } });
    expect(opsOf(t)).toEqual([
      'GET /security/public-key-certificates',
      'POST /auth/challenge',
      'POST /auth/ksef-token',
      'POST /auth/challenge',
      'POST /auth/ksef-token',
    ]);
    const bodies = t.requests.filter((q) => q.operation === 'POST /auth/ksef-token').map((q) => q.body);
    expect(bodies[0]).not.toBe(bodies[1]);
  });

  it('restarts once after status 550 and reports other statuses as final with their KSeF meaning', async () => {
    const t = scriptedTransport()
      .on('GET /security/public-key-certificates', json(200, keyList))
      .on('POST /auth/challenge', json(200, challengeBody()))
      .on('POST /auth/ksef-token', json(202, initBody))
      .on(
        'GET /auth/{referenceNumber}',
        json(200, statusBody(550)),
        json(200, statusBody(100)),
        json(200, statusBody(200)),
      )
      .on('POST /auth/token/redeem', json(200, tokensBody));
    const c = createKsefClient({ transport: t, clock: fakeClock(), subtle, env: 'custom:sandbox', context });
    expect((await loginWithKsefToken(c, { token: TOKEN })).ok).toBe(true);
    expect(t.count('POST /auth/challenge')).toBe(2);
    const t450 = scriptedTransport()
      .on('GET /security/public-key-certificates', json(200, keyList))
      .on('POST /auth/challenge', json(200, challengeBody()))
      .on('POST /auth/ksef-token', json(202, initBody))
      .on(
        'GET /auth/{referenceNumber}',
        json(200, {
          ...statusBody(450),
          status: {
            code: 450,
            description: 'Uwierzytelnianie zakończone niepowodzeniem z powodu błędnego tokenu',
            details: ['Token nieaktywny'],
          },
        }),
      );
    const c450 = createKsefClient({
      transport: t450,
      clock: fakeClock(),
      subtle,
      env: 'custom:sandbox',
      context,
    });
    expect(await loginWithKsefToken(c450, { token: TOKEN })).toEqual({
      ok: false,
      error: {
        code: 'AUTH_FAILED',
        ksef: {
          httpStatus: 200,
          code: 450,
          description: 'Uwierzytelnianie zakończone niepowodzeniem z powodu błędnego tokenu',
          details: ['Token nieaktywny'],
        },
      },
    });
    expect(t450.count('POST /auth/token/redeem')).toBe(0);
  });

  it('stops automatic logins for the company after a 480', async () => {
    const t = scriptedTransport()
      .on('GET /security/public-key-certificates', json(200, keyList))
      .on('POST /auth/challenge', json(200, challengeBody()))
      .on('POST /auth/ksef-token', json(202, initBody))
      .on('GET /auth/{referenceNumber}', json(200, statusBody(480)));
    const c = createKsefClient({ transport: t, clock: fakeClock(), subtle, env: 'custom:sandbox', context });
    expect(await loginWithKsefToken(c, { token: TOKEN })).toMatchObject({
      ok: false,
      error: { code: 'AUTH_BLOCKED', ksef: { code: 480 } },
    });
    const before = t.count();
    expect(await loginWithKsefToken(c, { token: TOKEN })).toMatchObject({
      ok: false,
      error: { code: 'AUTOMATION_STOPPED' },
    });
    expect(t.count()).toBe(before);
  });

  it('never redeems twice: a lost redeem answer is checked with a status call and reported', async () => {
    const t = scriptedTransport()
      .on('GET /security/public-key-certificates', json(200, keyList))
      .on('POST /auth/challenge', json(200, challengeBody()))
      .on('POST /auth/ksef-token', json(202, initBody))
      .on(
        'GET /auth/{referenceNumber}',
        json(200, statusBody(200)),
        json(200, statusBody(200, { isTokenRedeemed: true })),
      )
      .on('POST /auth/token/redeem', 'network');
    const c = createKsefClient({ transport: t, clock: fakeClock(), subtle, env: 'custom:sandbox', context });
    const r = await loginWithKsefToken(c, { token: TOKEN });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'REDEEM_LOST', detail: expect.stringContaining('issued') },
    });
    expect(t.count('POST /auth/token/redeem')).toBe(1);
    expect(opsOf(t).slice(-2)).toEqual(['POST /auth/token/redeem', 'GET /auth/{referenceNumber}']);
  });

  it('reports progress and, once cancelled, stops polling and never redeems', async () => {
    const t = scriptedTransport()
      .on('GET /security/public-key-certificates', json(200, keyList))
      .on('POST /auth/challenge', json(200, challengeBody()))
      .on('POST /auth/ksef-token', json(202, initBody))
      .on('GET /auth/{referenceNumber}', json(200, statusBody(100)))
      .on('POST /auth/token/redeem', json(200, tokensBody));
    const c = createKsefClient({ transport: t, clock: fakeClock(), subtle, env: 'custom:sandbox', context });
    const ac = new AbortController();
    const progress: LoginProgress[] = [];
    const r = await loginWithKsefToken(
      c,
      { token: TOKEN },
      {
        signal: ac.signal,
        onProgress: (p) => {
          progress.push(p);
          if (p.phase === 'polling' && p.polls === 3) ac.abort();
        },
      },
    );
    expect(r).toMatchObject({ ok: false, error: { code: 'ABORTED' } });
    expect(t.count('POST /auth/token/redeem')).toBe(0);
    expect(t.count('GET /auth/{referenceNumber}')).toBe(3);
    expect(progress.map((p) => p.phase)).toEqual([
      'publicKey',
      'challenge',
      'encrypting',
      'submitting',
      'polling',
      'polling',
      'polling',
      'polling',
    ]);
    const last = progress.at(-1)!;
    expect(last).toMatchObject({
      attempt: 1,
      polls: 3,
      statusCode: 100,
      referenceNumber: initBody.referenceNumber,
    });
    expect(last.challengeLeftMs).toBeGreaterThan(9 * 60_000);
  });

  it('checks the company identifier and the IP policy before any request', async () => {
    const { transport, client } = setup();
    const elevenIps = Array.from({ length: 11 }, (_, i) => `10.0.0.${i + 1}`);
    expect(
      await loginWithKsefToken(client, {
        token: TOKEN,
        authorizationPolicy: { allowedIps: { ip4Addresses: elevenIps } },
      }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT', detail: 'more than 10 Ip4Address' } });
    expect(
      await loginWithKsefToken(client, {
        token: TOKEN,
        authorizationPolicy: { allowedIps: { ip4Masks: ['10.0.0.0/33'] } },
      }),
    ).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    const noCompany = createKsefClient({ transport, clock: fakeClock(), subtle, env: 'TEST' });
    expect(
      await loginWithKsefToken(noCompany, { token: TOKEN, context: { type: 'Nip', value: '0123456789' } }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', detail: 'Nip does not match the KSeF pattern' },
    });
    expect(await loginWithKsefToken(noCompany, { token: TOKEN })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', detail: 'no context (company) to log in to' },
    });
    expect(transport.count()).toBe(0);
  });

  it('refuses a token login when the 30-per-hour budget is spent, before any request', async () => {
    const { transport, client } = setup();
    for (let i = 0; i < 30; i++) await client.loginLimiter.acquire('custom:sandbox|Nip:5265877635');
    expect(await loginWithKsefToken(client, { token: TOKEN })).toMatchObject({
      ok: false,
      error: { code: 'LOGIN_BUDGET_EXCEEDED' },
    });
    expect(transport.count()).toBe(0);
  });
});

describe('signed request login', () => {
  it('checks the picked file against the prepared challenge before anything is submitted', async () => {
    const { transport, client } = setup();
    const prepared = await prepareSignedRequest(client);
    if (!prepared.ok) throw new Error(prepared.error.code);
    expect(prepared.value.xml).toContain(`<Challenge>${challengeBody().challenge}</Challenge>`);
    expect(prepared.value.xml).toContain('<Nip>5265877635</Nip>');
    // The unsigned request itself is not signed: a precise error, and no submission.
    const r = await submitSignedRequest(client, prepared.value, prepared.value.xml);
    expect(r).toMatchObject({ ok: false, error: { reason: 'AUTH_REQUEST_NOT_SIGNED' } });
    // A file properly signed, but for another challenge (a stale download).
    const pair = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const cert = await createSelfSignedTestCertificate(
      subtle,
      { kind: 'seal', nip: '5265877635', organizationName: 'Firma' },
      pair,
      client.clock,
    );
    if (!cert.ok) throw new Error(cert.error.code);
    const other = await buildSignedAuthTokenRequest(
      { subtle, clock: client.clock },
      {
        challenge: '20261125-CR-0000000000-0000000000-00',
        context,
        subjectIdentifierType: 'certificateSubject',
        signer: { privateKey: pair.privateKey, certificateDer: cert.value },
      },
    );
    if (!other.ok) throw new Error(other.error.code);
    expect(await submitSignedRequest(client, prepared.value, other.value)).toMatchObject({
      ok: false,
      error: { reason: 'AUTH_REQUEST_WRONG_CHALLENGE' },
    });
    expect(
      await submitSignedRequest(client, prepared.value, new Uint8Array([0xff, 0xfe, 0x3c])),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', detail: 'the signed file is not UTF-8 text' },
    });
    expect(opsOf(transport)).toEqual(['POST /auth/challenge']);
  });
});

describe('test-certificate login', () => {
  it('is refused on DEMO and PRD before any request (SECURITY.md T10)', async () => {
    for (const env of ['DEMO', 'PRD'] as const) {
      const { transport, client } = setup(env);
      expect(await loginWithTestCertificate(client)).toMatchObject({
        ok: false,
        error: { code: 'NOT_ALLOWED' },
      });
      expect(transport.count()).toBe(0);
    }
  });
});

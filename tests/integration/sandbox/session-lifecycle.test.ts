/**
 * After the submission (REFERENCE §3.4–§3.7, §4): status 100 while the server "verifies", then a
 * final code; redeem exactly once; refresh with a refresh token fixed at redeem; sessions listed
 * per subject and context and revoked with KSeF's semantics; the right bearer token per endpoint;
 * statuses expire after 7 days (410); an IP policy binds the access token to addresses.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crc8, withChecksum } from '../../../sandbox/domain/reference-number.ts';
import { type Sandbox, startSandbox } from '../../../sandbox/server.ts';
import {
  authTokenRequest,
  call,
  challenge,
  errorCode,
  errorDetails,
  type Identity,
  loginWithSignature,
  randomNip,
  SIGNATURE_METHODS,
  sealSubject,
  selfSigned,
  submitXades,
  tempDir,
  waitForStatus,
  xmlsecSign,
} from './helpers.ts';

const ws = tempDir();
let sandbox: Sandbox;
let base: string;
const nip = randomNip();
let seal: Identity;

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimits: 'off', seed: false });
  base = sandbox.baseUrl;
  seal = selfSigned(ws, 'seal', sealSubject(nip));
});
afterAll(async () => {
  await sandbox.close();
  ws.cleanup();
});

const context = () => ({ type: 'Nip' as const, value: nip });

describe('reference numbers and challenges', () => {
  it('carry the CRC-8 of REFERENCE §2.2 (checked on the known examples)', () => {
    expect(withChecksum('20250514-AU-2DFC46C000-3AC6D5877F')).toBe('20250514-AU-2DFC46C000-3AC6D5877F-D4');
    expect(withChecksum('20250604-CR-461EA5B000-537A6BA15D')).toBe('20250604-CR-461EA5B000-537A6BA15D-D7');
    expect(withChecksum('20251010-EC-1DCE3E3000-12ECB5B36E')).toBe('20251010-EC-1DCE3E3000-12ECB5B36E-45');
    expect(crc8('')).toBe(0);
  });
  it('a challenge has the shape, the checksum, both timestamps and the client IP', async () => {
    const r = await call(base, 'POST', '/auth/challenge');
    expect(r.status).toBe(200);
    const c = r.body as { challenge: string; timestamp: string; timestampMs: number; clientIp: string };
    expect(c.challenge).toMatch(/^\d{8}-CR-[0-9A-F]{10}-[0-9A-F]{10}-[0-9A-F]{2}$/);
    expect(withChecksum(c.challenge.slice(0, 33))).toBe(c.challenge);
    expect(c.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}\+00:00$/);
    expect(Date.parse(c.timestamp)).toBe(c.timestampMs);
    expect(c.clientIp).toBe('127.0.0.1');
  });
});

describe('status, redeem and refresh', () => {
  it('stays 100 for authDelayMs, then answers 200; redeem before that is 21301 with the status', async () => {
    sandbox.control.configure({ authDelayMs: 60_000 });
    try {
      const { challenge: c } = await challenge(base);
      const r = await submitXades(
        base,
        xmlsecSign(ws, authTokenRequest({ challenge: c, context: context() }), seal, SIGNATURE_METHODS.ec),
      );
      const token = (r.body.authenticationToken as { token: string }).token;
      const ref = r.body.referenceNumber as string;
      const first = await call(base, 'GET', `/auth/${ref}`, { token });
      expect(first.body.status).toEqual({ code: 100, description: 'Uwierzytelnianie w toku' });
      const early = await call(base, 'POST', '/auth/token/redeem', { token });
      expect(errorCode(early)).toBe(21301);
      expect(errorDetails(early)).toEqual(['Status uwierzytelniania (100) nie pozwala na pobranie tokenów.']);
      sandbox.control.advanceTime(60_000);
      expect((await call(base, 'GET', `/auth/${ref}`, { token })).body.status).toMatchObject({ code: 200 });
    } finally {
      sandbox.control.configure({ authDelayMs: 0 });
    }
  });

  it('redeems exactly once, then refreshes without rotating the refresh token', async () => {
    const s = await loginWithSignature(base, ws, seal, context());
    const again = await call(base, 'POST', '/auth/token/redeem', { token: s.operationToken });
    expect(errorCode(again)).toBe(21301);
    expect(errorDetails(again)).toEqual([
      `Tokeny dla operacji uwierzytelniania ${s.referenceNumber} zostały już pobrane.`,
    ]);
    const status = await call(base, 'GET', `/auth/${s.referenceNumber}`, { token: s.operationToken });
    expect(status.body.isTokenRedeemed).toBe(true);
    const validUntil = status.body.refreshTokenValidUntil as string;
    expect(Date.parse(validUntil) - Date.parse(status.body.startDate as string)).toBeGreaterThanOrEqual(
      604_800_000 - 1000,
    );

    sandbox.control.advanceTime(1000);
    const refreshed = await call(base, 'POST', '/auth/token/refresh', { token: s.refreshToken });
    expect(refreshed.status).toBe(200);
    expect(Object.keys(refreshed.body)).toEqual(['accessToken']);
    const after = await call(base, 'GET', `/auth/${s.referenceNumber}`, { token: s.operationToken });
    expect(after.body.refreshTokenValidUntil).toBe(validUntil);
    expect(after.body.lastTokenRefreshDate).toBeTypeOf('string');
    const newAccess = (refreshed.body.accessToken as { token: string }).token;
    expect((await call(base, 'GET', '/auth/sessions', { token: newAccess })).status).toBe(200);
  });

  it('ends with KSeF’s own 550 or 500 when the control API forces it, and redeem then refuses', async () => {
    sandbox.control.injectAuthStatus(550);
    const forced = await fetch(`${sandbox.origin}/_sandbox/auth-status`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: 500 }),
    });
    // The test sandbox has no HTTP control API: the programmatic one is the only way here.
    expect(forced.status).toBe(404);
    for (const expected of [
      {
        code: 550,
        description: 'Operacja została anulowana przez system',
        details: ['Przetwarzanie zostało przerwane z przyczyn wewnętrznych systemu. Spróbuj ponownie'],
      },
      { code: 500, description: 'Nieznany błąd' },
    ]) {
      if (expected.code === 500) sandbox.control.injectAuthStatus(500);
      const { challenge: c } = await challenge(base);
      const r = await submitXades(
        base,
        xmlsecSign(ws, authTokenRequest({ challenge: c, context: context() }), seal, SIGNATURE_METHODS.ec),
      );
      const token = (r.body.authenticationToken as { token: string }).token;
      const status = await waitForStatus(base, r.body.referenceNumber as string, token);
      expect(status.body.status).toEqual(expected);
      const redeem = await call(base, 'POST', '/auth/token/redeem', { token });
      expect(errorDetails(redeem)).toEqual([
        `Status uwierzytelniania (${expected.code}) nie pozwala na pobranie tokenów.`,
      ]);
    }
    // Only the forced ones: the next login is normal again.
    expect((await loginWithSignature(base, ws, seal, context())).status.body.status).toMatchObject({
      code: 200,
    });
  });

  it('gives each bearer token only its own endpoints', async () => {
    const s = await loginWithSignature(base, ws, seal, context());
    // The operation token on a business endpoint: 403 (#129).
    const op = await call(base, 'GET', '/auth/sessions', { token: s.operationToken });
    expect(op.status).toBe(403);
    expect(op.headers.get('content-type')).toContain('application/problem+json');
    expect(op.body.reasonCode).toBeTypeOf('string');
    // Access and refresh tokens are not operation tokens, a refresh token is not an access token.
    expect((await call(base, 'GET', `/auth/${s.referenceNumber}`, { token: s.accessToken })).status).toBe(
      401,
    );
    expect((await call(base, 'POST', '/auth/token/refresh', { token: s.accessToken })).status).toBe(401);
    expect((await call(base, 'GET', '/tokens', { token: s.refreshToken })).status).toBe(401);
    const none = await call(base, 'GET', '/tokens');
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ title: 'Unauthorized', status: 401 });
    expect(none.body.traceId).toMatch(/^[0-9a-f]{32}$/);
    const forged = await call(base, 'GET', '/tokens', { token: `${s.accessToken.slice(0, -4)}AAAA` });
    expect(forged.status).toBe(401);
  });

  it('an operation token shows only its own operation (21304 for another)', async () => {
    const a = await loginWithSignature(base, ws, seal, context());
    const b = await loginWithSignature(base, ws, seal, context());
    const r = await call(base, 'GET', `/auth/${b.referenceNumber}`, { token: a.operationToken });
    expect(errorCode(r)).toBe(21304);
    expect(errorDetails(r)).toEqual([
      `Operacja uwierzytelniania o numerze referencyjnym ${b.referenceNumber} nie została znaleziona.`,
    ]);
    const bad = await call(base, 'GET', '/auth/too-short', { token: a.operationToken });
    expect(errorCode(bad)).toBe(21405);
  });

  it('the access token expires after accessTokenTtlSeconds; the refresh token still gives a new one', async () => {
    const s = await loginWithSignature(base, ws, seal, context());
    sandbox.control.advanceTime(901_000);
    expect((await call(base, 'GET', '/auth/sessions', { token: s.accessToken })).status).toBe(401);
    const refreshed = await call(base, 'POST', '/auth/token/refresh', { token: s.refreshToken });
    expect(refreshed.status).toBe(200);
    const access = (refreshed.body.accessToken as { token: string }).token;
    expect((await call(base, 'GET', '/auth/sessions', { token: access })).status).toBe(200);
  });

  it('the refresh token ends refreshTokenTtlSeconds after redeem (401), it is not extended by refreshing', async () => {
    const s = await loginWithSignature(base, ws, seal, context());
    sandbox.control.advanceTime(604_000 * 1000);
    expect((await call(base, 'POST', '/auth/token/refresh', { token: s.refreshToken })).status).toBe(200);
    sandbox.control.advanceTime(1000 * 1000);
    expect((await call(base, 'POST', '/auth/token/refresh', { token: s.refreshToken })).status).toBe(401);
  });
});

describe('sessions', () => {
  it('lists the subject’s sessions in this context, newest first, with isCurrent and paging', async () => {
    const n = randomNip();
    const id = selfSigned(ws, `list-${n}`, sealSubject(n));
    const sessions = [];
    for (let i = 0; i < 12; i += 1) {
      sessions.push(await loginWithSignature(base, ws, id, { type: 'Nip', value: n }));
      sandbox.control.advanceTime(1000);
    }
    const current = sessions[11]!;
    const first = await call(base, 'GET', '/auth/sessions', { token: current.accessToken });
    expect(first.status).toBe(200);
    const items = first.body.items as { referenceNumber: string; isCurrent: boolean; startDate: string }[];
    expect(items).toHaveLength(10);
    expect(items[0]!.referenceNumber).toBe(current.referenceNumber);
    expect(items[0]!.isCurrent).toBe(true);
    expect(items.slice(1).every((i) => !i.isCurrent)).toBe(true);
    expect(first.body.continuationToken).toBeTypeOf('string');
    const second = await call(base, 'GET', '/auth/sessions', {
      token: current.accessToken,
      headers: { 'x-continuation-token': first.body.continuationToken as string },
    });
    expect((second.body.items as unknown[]).length).toBe(2);
    expect(second.body.continuationToken).toBeNull();
    const malformed = await call(base, 'GET', '/auth/sessions', {
      token: current.accessToken,
      headers: { 'x-continuation-token': 'not-a-token' },
    });
    expect(errorCode(malformed)).toBe(21418);
    const badSize = await call(base, 'GET', '/auth/sessions?pageSize=5', { token: current.accessToken });
    expect(errorCode(badSize)).toBe(21405);
  });

  it('revoking by reference stops that refresh token (21301, status 425) while its access token works until exp', async () => {
    const n = randomNip();
    const id = selfSigned(ws, `rev-${n}`, sealSubject(n));
    const a = await loginWithSignature(base, ws, id, { type: 'Nip', value: n });
    const b = await loginWithSignature(base, ws, id, { type: 'Nip', value: n });
    expect(
      (await call(base, 'DELETE', `/auth/sessions/${a.referenceNumber}`, { token: b.accessToken })).status,
    ).toBe(204);
    const refresh = await call(base, 'POST', '/auth/token/refresh', { token: a.refreshToken });
    expect(errorCode(refresh)).toBe(21301);
    expect(errorDetails(refresh)).toEqual([
      'Status uwierzytelnienia (425) nie pozwala na odświeżenie tokenu dostępowego.',
    ]);
    const status = await call(base, 'GET', `/auth/${a.referenceNumber}`, { token: a.operationToken });
    expect(status.body.status).toEqual({
      code: 425,
      description: 'Uwierzytelnienie unieważnione',
      details: ['Uwierzytelnienie i powiązane refresh tokeny zostały unieważnione przez użytkownika'],
    });
    expect((await call(base, 'GET', '/tokens', { token: a.accessToken })).status).toBe(200);
    const list = await call(base, 'GET', '/auth/sessions', { token: b.accessToken });
    expect((list.body.items as { referenceNumber: string }[]).map((i) => i.referenceNumber)).not.toContain(
      a.referenceNumber,
    );
  });

  it('logout with the access token (DELETE /auth/sessions/current) ends the session too', async () => {
    const s = await loginWithSignature(base, ws, seal, context());
    expect((await call(base, 'DELETE', '/auth/sessions/current', { token: s.accessToken })).status).toBe(204);
    expect(errorCode(await call(base, 'POST', '/auth/token/refresh', { token: s.refreshToken }))).toBe(21301);
    expect((await call(base, 'DELETE', '/auth/sessions/current', { token: s.operationToken })).status).toBe(
      403,
    );
  });

  it('logout with the refresh token (DELETE /auth/sessions/current) ends the session', async () => {
    const s = await loginWithSignature(base, ws, seal, context());
    expect((await call(base, 'DELETE', '/auth/sessions/current', { token: s.refreshToken })).status).toBe(
      204,
    );
    expect(errorCode(await call(base, 'POST', '/auth/token/refresh', { token: s.refreshToken }))).toBe(21301);
  });

  it('another subject’s session cannot be revoked (21304)', async () => {
    const mine = await loginWithSignature(base, ws, seal, context());
    const n = randomNip();
    const theirs = await loginWithSignature(base, ws, selfSigned(ws, `o-${n}`, sealSubject(n)), {
      type: 'Nip',
      value: n,
    });
    const r = await call(base, 'DELETE', `/auth/sessions/${theirs.referenceNumber}`, {
      token: mine.accessToken,
    });
    expect(errorCode(r)).toBe(21304);
  });
});

describe('the IP policy of the authorization request', () => {
  function getFrom(
    localAddress: string,
    path: string,
    token: string,
  ): Promise<{ status: number; body: string }> {
    const url = new URL(`${base}${path}`);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          localAddress,
          headers: { authorization: `Bearer ${token}` },
        },
        (res) => {
          let body = '';
          res.on('data', (d: Buffer) => (body += d.toString('utf8')));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }
  it('bound to 0.0.0.0, answers at another loopback address and still refuses a foreign Host', async () => {
    const wide = await startSandbox({ host: '0.0.0.0', seed: false, rateLimits: 'off' });
    try {
      const r = await fetch(`http://127.0.0.2:${wide.port}/v2/auth/challenge`, { method: 'POST' });
      expect(r.status).toBe(200);
      expect(((await r.json()) as { clientIp: string }).clientIp).toMatch(/^127\./);
      expect(wide.baseUrl).toBe(`http://127.0.0.1:${wide.port}/v2`);
      const evil = await new Promise<number>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.2',
            port: wide.port,
            method: 'POST',
            path: '/v2/auth/challenge',
            headers: { host: 'evil.example' },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end();
      });
      expect(evil).toBe(421);
    } finally {
      await wide.close();
    }
  });
  it('refuses the access token from 127.0.0.2 with 403 ip-not-allowed, and serves 127.0.0.1', async () => {
    const s = await loginWithSignature(base, ws, seal, context(), { allowedIps: ['127.0.0.1'] });
    const ok = await getFrom('127.0.0.1', '/tokens', s.accessToken);
    expect(ok.status).toBe(200);
    const refused = await getFrom('127.0.0.2', '/tokens', s.accessToken);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({
      reasonCode: 'ip-not-allowed',
      security: { clientIp: '127.0.0.2' },
    });
  });
});

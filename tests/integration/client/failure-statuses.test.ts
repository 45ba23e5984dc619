/**
 * Every documented way a login fails (REFERENCE §3.2–§3.6, §4), produced by the real sandbox over
 * HTTP: auth statuses 415, 425, 450, 460, 470, 480 and errors 21111, 21301, 21470. Each ends in a
 * precise error (KSeF's number in `ksef.code`, its texts, our Polish/English message) — never a hang,
 * never a redeem after a failure.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKsefError } from '../../../shared/ksef/ksef-error.ts';
import { messageKeyOf } from '../../../shared/ksef/ksef-messages.ts';
import { loginWithKsefToken } from '../../../shared/ksef/login-with-ksef-token.ts';
import {
  loginWithSignedRequest,
  prepareSignedRequest,
  submitSignedRequest,
} from '../../../shared/ksef/login-with-signed-request.ts';
import { loginWithTestCertificate } from '../../../shared/ksef/login-with-test-certificate.ts';
import { keepSession } from '../../../shared/ksef/session-keeper.ts';
import { waitForTokenActive } from '../../../shared/ksef/wait-for-token-active.ts';
import { openSandbox, randomNip, randomPesel } from './sandbox-fixture.ts';
import { createExternalSigner } from './xmlsec-signer.ts';

let sb: Awaited<ReturnType<typeof openSandbox>>;
beforeAll(async () => {
  sb = await openSandbox();
});
afterAll(async () => {
  await sb?.close();
});

const redeems = () => sb.operations().filter((o) => o === 'POST /auth/token/redeem').length;

async function tokenFor(nip: string) {
  const ksef = sb.client(nip);
  const session = await loginWithTestCertificate(ksef);
  if (!session.ok) throw new Error(JSON.stringify(session.error));
  const generated = await ksef.tokens.generate(session.value.accessToken, {
    permissions: ['InvoiceRead'],
    description: 'failure-status test token',
  });
  if (!generated.ok) throw new Error(JSON.stringify(generated.error));
  const active = await waitForTokenActive(ksef, session.value.accessToken, generated.value.referenceNumber);
  if (!active.ok) throw new Error(JSON.stringify(active.error));
  return { ksef, access: session.value.accessToken, ...generated.value };
}

describe('auth statuses', () => {
  it('415: a person without permissions in the company — and the same person after the NIP–PESEL link', async () => {
    const nip = randomNip();
    const pesel = randomPesel();
    const subject = { kind: 'person', givenName: 'Anna', surname: 'Nowak', pesel } as const;
    sb.clear();
    const r = await loginWithTestCertificate(sb.client(nip), { subject });
    expect(r).toMatchObject({
      ok: false,
      error: {
        code: 'AUTH_FAILED',
        ksef: {
          httpStatus: 200,
          code: 415,
          description: 'Uwierzytelnianie zakończone niepowodzeniem',
          details: ['Brak przypisanych uprawnień'],
        },
      },
    });
    expect(redeems()).toBe(0);
    expect(messageKeyOf(r.ok ? ({} as never) : r.error)).toBe('auth.415');
    await sb.testdata('POST /testdata/person', {
      nip,
      pesel,
      isBailiff: false,
      description: 'Osoba testowa',
    });
    expect((await loginWithTestCertificate(sb.client(nip), { subject })).ok).toBe(true);
  });

  it('470: a deceased person', async () => {
    const nip = randomNip();
    const pesel = randomPesel();
    await sb.testdata('POST /testdata/person', {
      nip,
      pesel,
      isBailiff: false,
      isDeceased: true,
      description: 'Osoba zmarła',
    });
    const r = await loginWithTestCertificate(sb.client(nip), {
      subject: { kind: 'person', givenName: 'Jan', surname: 'Zmarły', pesel },
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED', ksef: { code: 470 } } });
  });

  it('480: a blocked context stops automatic logins for the company, with no further request', async () => {
    const nip = randomNip();
    await sb.testdata('POST /testdata/context/block', { contextIdentifier: { type: 'Nip', value: nip } });
    const ksef = sb.client(nip);
    const r = await loginWithTestCertificate(ksef);
    expect(r).toMatchObject({ ok: false, error: { code: 'AUTH_BLOCKED', ksef: { code: 480 } } });
    expect(messageKeyOf(r.ok ? ({} as never) : r.error)).toBe('auth.480');
    sb.clear();
    expect(await loginWithTestCertificate(ksef)).toMatchObject({
      ok: false,
      error: { code: 'AUTOMATION_STOPPED' },
    });
    expect(sb.operations()).toEqual([]);
    await sb.testdata('POST /testdata/context/unblock', { contextIdentifier: { type: 'Nip', value: nip } });
    await ksef.loginLimiter.resume(`${ksef.env}|Nip:${nip}`);
    expect((await loginWithTestCertificate(ksef)).ok).toBe(true);
  });

  it('460: a self-signed certificate when the chain must be verified', async () => {
    const r = await loginWithTestCertificate(sb.client(randomNip()), { verifyCertificateChain: true });
    expect(r).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED', ksef: { code: 460 } } });
    expect(r.ok || r.error.ksef?.details?.length).toBeGreaterThan(0);
  });

  it('450: a revoked token, a token of another company and an unknown token, each with its detail', async () => {
    const nip = randomNip();
    const { ksef, access, token, referenceNumber } = await tokenFor(nip);
    const otherCompany = sb.client(randomNip());
    const wrongContext = await loginWithKsefToken(otherCompany, { token });
    expect(wrongContext).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED', ksef: { code: 450 } } });
    expect(messageKeyOf(wrongContext.ok ? ({} as never) : wrongContext.error)).toBe('auth.450.context');

    const unknown = await loginWithKsefToken(ksef, {
      token: `${referenceNumber}|nip-${nip}|${'0'.repeat(64)}`,
    });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED', ksef: { code: 450 } } });
    expect(messageKeyOf(unknown.ok ? ({} as never) : unknown.error)).toBe('auth.450.unknown');

    expect((await ksef.tokens.revoke(access, referenceNumber)).ok).toBe(true);
    sb.clear();
    const revoked = await loginWithKsefToken(ksef, { token });
    expect(revoked).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED', ksef: { code: 450 } } });
    expect(messageKeyOf(revoked.ok ? ({} as never) : revoked.error)).toBe('auth.450.revoked');
    expect(redeems()).toBe(0);
  });

  it('425: after the session is revoked, refresh is refused with 21301 and the keeper ends the session', async () => {
    const ksef = sb.client(randomNip());
    const session = await loginWithTestCertificate(ksef);
    if (!session.ok) throw new Error(session.error.code);
    expect((await ksef.auth.refresh(session.value.refreshToken)).ok).toBe(true);
    // Logout with the refresh token (works even when the access token has expired).
    expect((await ksef.sessions.revokeCurrent(session.value.refreshToken)).ok).toBe(true);
    const refused = await ksef.auth.refresh(session.value.refreshToken);
    expect(refused).toMatchObject({ ok: false, error: { code: 'KSEF_REJECTED', ksef: { code: 21301 } } });
    expect(refused.ok || refused.error.ksef?.details?.join(' ')).toContain('(425)');
    const keeper = keepSession(ksef, {
      ...session.value,
      accessTokenValidUntil: new Date(Date.now() + 1000).toISOString(),
    });
    expect(await keeper.accessToken()).toMatchObject({
      ok: false,
      error: { code: 'SESSION_ENDED', detail: 'the session was revoked (status 425)' },
    });
    expect(await keeper.done).toMatchObject({ ok: false, error: { code: 'SESSION_ENDED' } });
  });
});

describe('errors of the submission', () => {
  it('21111: a signed request whose challenge expired at KSeF meanwhile, and one submitted a second time', async () => {
    const nip = randomNip();
    const signer = createExternalSigner({ kind: 'seal', nip });
    try {
      const ksef = sb.client(nip);
      const prepared = await prepareSignedRequest(ksef);
      if (!prepared.ok) throw new Error(prepared.error.code);
      const signed = signer.sign(prepared.value.xml);
      expect((await loginWithSignedRequest(ksef, prepared.value, signed)).ok).toBe(true);
      // The same file again: the challenge was used up by the first login.
      const again = await loginWithSignedRequest(ksef, prepared.value, signed);
      expect(again).toMatchObject({
        ok: false,
        error: { code: 'KSEF_REJECTED', ksef: { httpStatus: 400, code: 21111 } },
      });
      expect(messageKeyOf(again.ok ? ({} as never) : again.error)).toBe('ksef.21111');

      // A challenge that expired at KSeF while the user was signing: a sandbox of its own whose
      // clock is moved 11 minutes on (the wallet's clock, and so its own check, stays behind).
      const other = await openSandbox();
      try {
        const lateKsef = other.client(nip);
        const late = await prepareSignedRequest(lateKsef);
        if (!late.ok) throw new Error(late.error.code);
        const lateSigned = signer.sign(late.value.xml);
        other.sandbox.control.advanceTime(11 * 60_000);
        expect(await loginWithSignedRequest(lateKsef, late.value, lateSigned)).toMatchObject({
          ok: false,
          error: { code: 'KSEF_REJECTED', ksef: { code: 21111 } },
        });
      } finally {
        await other.close();
      }
    } finally {
      signer.cleanup();
    }
  });

  it('21115: a self-signed certificate where only real ones count (the sandbox in DEMO mode)', async () => {
    sb.sandbox.control.configure({ mode: 'demo' });
    try {
      const r = await loginWithTestCertificate(sb.client(randomNip()));
      expect(r).toMatchObject({
        ok: false,
        error: { code: 'KSEF_REJECTED', ksef: { httpStatus: 400, code: 21115 } },
      });
      expect(messageKeyOf(r.ok ? ({} as never) : r.error)).toBe('ksef.21115');
    } finally {
      sb.sandbox.control.configure({ mode: 'test' });
    }
  });

  it('21470: a withdrawn encryption key is refetched once and the token re-encrypted for a new challenge', async () => {
    const nip = randomNip();
    const { ksef, token } = await tokenFor(nip);
    const key = await ksef.publicKeys.tokenEncryptionKey();
    if (!key.ok) throw new Error(key.error.code);
    sb.sandbox.control.rotateEncryptionKeys({ withdrawOld: true });
    sb.clear();
    const r = await loginWithKsefToken(ksef, { token });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(sb.operations()).toEqual([
      'POST /auth/challenge',
      'POST /auth/ksef-token',
      'GET /security/public-key-certificates',
      'POST /auth/challenge',
      'POST /auth/ksef-token',
      'GET /auth/{referenceNumber}',
      'POST /auth/token/redeem',
    ]);
    const now = await ksef.publicKeys.tokenEncryptionKey();
    expect(now.ok && now.value.publicKeyId).not.toBe(key.value.publicKeyId);
  });
});

describe('error formats and HTTP errors', () => {
  it('reads the legacy and the problem-details format of the same error into the same shape', async () => {
    const body = JSON.stringify({
      challenge: '20250101-CR-0000000000-0000000000-00',
      contextIdentifier: { type: 'Nip', value: randomNip() },
      encryptedToken: 'QUJD',
    });
    const send = (headers: Record<string, string>) =>
      sb.transport.send({ env: 'custom:sandbox', operation: 'POST /auth/ksef-token', headers, body });
    const legacy = await send({ 'content-type': 'application/json' });
    const problem = await send({ 'content-type': 'application/json', 'x-error-format': 'problem-details' });
    if (!legacy.ok || !problem.ok) throw new Error('no answer');
    expect(legacy.value.headers['content-type']).toMatch(/^application\/json/);
    expect(problem.value.headers['content-type']).toMatch(/^application\/problem\+json/);
    const a = parseKsefError(legacy.value);
    const b = parseKsefError(problem.value);
    expect(a).toMatchObject({
      httpStatus: 400,
      code: 21111,
      description: 'Nieprawidłowe wyzwanie autoryzacyjne.',
    });
    expect({ ...b, traceId: undefined }).toEqual({ ...a, traceId: undefined });
  });

  it('401 for a token KSeF never issued, 403 for the operation token on a business endpoint (#129)', async () => {
    const ksef = sb.client(randomNip());
    const unknown = await ksef.sessions.list('eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.c2lnbmF0dXJl');
    expect(unknown).toMatchObject({ ok: false, error: { code: 'KSEF_REJECTED', ksef: { httpStatus: 401 } } });
    expect(messageKeyOf(unknown.ok ? ({} as never) : unknown.error)).toBe('http.401');

    const challenge = await ksef.auth.challenge();
    if (!challenge.ok) throw new Error(challenge.error.code);
    const prepared = await prepareSignedRequest(ksef);
    if (!prepared.ok) throw new Error(prepared.error.code);
    const signer = createExternalSigner({ kind: 'seal', nip: prepared.value.context.value });
    try {
      const pending = await submitSignedRequest(ksef, prepared.value, signer.sign(prepared.value.xml));
      if (!pending.ok) throw new Error(JSON.stringify(pending.error));
      const r = await ksef.sessions.list(pending.value.authenticationToken);
      expect(r).toMatchObject({ ok: false, error: { code: 'KSEF_REJECTED', ksef: { httpStatus: 403 } } });
    } finally {
      signer.cleanup();
    }
  });
});

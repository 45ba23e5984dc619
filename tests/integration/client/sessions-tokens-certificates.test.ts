/**
 * Sessions, KSeF tokens and KSeF certificates through the typed client against the sandbox over
 * HTTP: every page of a list (continuation tokens passed back as received), revocations and what they
 * do to refresh and login, token activation (Active and Failed), certificate enrollment, query,
 * revoke — and the errors KSeF gives when a session may not do something.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCsr, generateSigningKey, toBase64 } from '../../../shared/crypto/index.ts';
import { messageKeyOf } from '../../../shared/ksef/ksef-messages.ts';
import { loginWithKsefCertificate } from '../../../shared/ksef/login-with-ksef-certificate.ts';
import { loginWithKsefToken } from '../../../shared/ksef/login-with-ksef-token.ts';
import { loginWithTestCertificate } from '../../../shared/ksef/login-with-test-certificate.ts';
import { waitForEnrollment } from '../../../shared/ksef/wait-for-enrollment.ts';
import { waitForTokenActive } from '../../../shared/ksef/wait-for-token-active.ts';
import { openSandbox, randomNip, subtle } from './sandbox-fixture.ts';

let sb: Awaited<ReturnType<typeof openSandbox>>;
beforeAll(async () => {
  sb = await openSandbox();
});
afterAll(async () => {
  await sb?.close();
});

async function signatureSession(nip = randomNip()) {
  const ksef = sb.client(nip);
  const r = await loginWithTestCertificate(ksef);
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return { nip, ksef, session: r.value, access: r.value.accessToken };
}

async function activeToken(ksef: ReturnType<typeof sb.client>, access: string, description: string) {
  const generated = await ksef.tokens.generate(access, { permissions: ['InvoiceRead'], description });
  if (!generated.ok) throw new Error(JSON.stringify(generated.error));
  const active = await waitForTokenActive(ksef, access, generated.value.referenceNumber);
  if (!active.ok) throw new Error(JSON.stringify(active.error));
  return generated.value;
}

describe('sessions', () => {
  it('lists every session over several pages, marks the current one, and revokes one by reference', async () => {
    const { nip, ksef, access, session } = await signatureSession();
    const others = [];
    for (let i = 0; i < 11; i++) {
      const r = await loginWithTestCertificate(sb.client(nip));
      if (!r.ok) throw new Error(r.error.code);
      others.push(r.value);
    }
    sb.clear();
    const all = await ksef.sessions.listAll(access, { pageSize: 10 });
    if (!all.ok) throw new Error(JSON.stringify(all.error));
    expect(sb.operations()).toEqual(['GET /auth/sessions', 'GET /auth/sessions']);
    const refs = all.value.map((s) => s.referenceNumber);
    expect(new Set(refs).size).toBe(refs.length);
    for (const s of [session, ...others]) expect(refs).toContain(s.referenceNumber);
    expect(all.value.filter((s) => s.isCurrent).map((s) => s.referenceNumber)).toEqual([
      session.referenceNumber,
    ]);

    const victim = others[0]!;
    expect((await ksef.sessions.revoke(access, victim.referenceNumber)).ok).toBe(true);
    expect(await ksef.auth.refresh(victim.refreshToken)).toMatchObject({
      ok: false,
      error: { code: 'KSEF_REJECTED', ksef: { code: 21301 } },
    });
    // The revoking session itself is untouched.
    expect((await ksef.auth.refresh(session.refreshToken)).ok).toBe(true);
  });

  it('refuses a continuation token KSeF never gave with 21418', async () => {
    const { ksef, access } = await signatureSession();
    const r = await ksef.sessions.list(access, { continuationToken: 'not-a-token' });
    expect(r).toMatchObject({ ok: false, error: { code: 'KSEF_REJECTED', ksef: { code: 21418 } } });
  });
});

describe('KSeF tokens', () => {
  it('generates, lists every page, reads, revokes; the secret is returned at once and only then activated', async () => {
    const { ksef, access } = await signatureSession();
    sb.sandbox.control.configure({ tokenActivationDelayMs: 1500 });
    try {
      const first = await ksef.tokens.generate(access, {
        permissions: ['InvoiceRead'],
        description: 'token 00',
      });
      if (!first.ok) throw new Error(JSON.stringify(first.error));
      expect(first.value.token).toContain('|');
      const pending = await ksef.tokens.get(access, first.value.referenceNumber);
      expect(pending.ok && pending.value.status).toBe('Pending');
      const polls: string[] = [];
      const active = await waitForTokenActive(ksef, access, first.value.referenceNumber, {
        onProgress: (p) => polls.push(p.status),
      });
      expect(active).toMatchObject({ ok: true, value: { status: 'Active' } });
      expect(polls.at(0)).toBe('Pending');
      expect(polls.length).toBeLessThanOrEqual(4);
    } finally {
      sb.sandbox.control.configure({ tokenActivationDelayMs: 0 });
    }
    for (let i = 1; i <= 10; i++) {
      const r = await ksef.tokens.generate(access, {
        permissions: ['InvoiceRead'],
        description: `token ${String(i).padStart(2, '0')}`,
      });
      expect(r.ok).toBe(true);
    }
    sb.clear();
    const all = await ksef.tokens.listAll(access, { pageSize: 10 });
    if (!all.ok) throw new Error(JSON.stringify(all.error));
    expect(all.value.length).toBe(11);
    expect(sb.operations()).toEqual(['GET /tokens', 'GET /tokens']);
    const one = all.value[3]!;
    expect((await ksef.tokens.revoke(access, one.referenceNumber)).ok).toBe(true);
    const after = await ksef.tokens.get(access, one.referenceNumber);
    expect(after.ok && ['Revoking', 'Revoked']).toContain(after.ok ? after.value.status : '');
    const active = await ksef.tokens.listAll(access, { status: 'Active', pageSize: 100 });
    expect(active.ok && active.value.map((t) => t.referenceNumber)).not.toContain(one.referenceNumber);
  });

  it('reports a token whose activation failed as TOKEN_FAILED', async () => {
    const { ksef, access } = await signatureSession();
    sb.sandbox.control.configure({ tokenActivationDelayMs: 60_000 });
    try {
      const t = await ksef.tokens.generate(access, {
        permissions: ['InvoiceRead'],
        description: 'doomed token',
      });
      if (!t.ok) throw new Error(t.error.code);
      expect(sb.sandbox.control.failTokenActivation(t.value.referenceNumber)).toBe(true);
      expect(await waitForTokenActive(ksef, access, t.value.referenceNumber)).toMatchObject({
        ok: false,
        error: { code: 'TOKEN_FAILED', detail: expect.stringContaining('Failed') },
      });
    } finally {
      sb.sandbox.control.configure({ tokenActivationDelayMs: 0 });
    }
  });

  it('checks the request before sending it', async () => {
    const { ksef, access } = await signatureSession();
    sb.clear();
    expect(
      await ksef.tokens.generate(access, { permissions: [], description: 'no permissions' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(
      await ksef.tokens.generate(access, { permissions: ['InvoiceRead'], description: 'abc' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(await ksef.tokens.list(access, { description: 'ze spacją' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT' },
    });
    expect(sb.operations()).toEqual([]);
  });

  it('keeps a token session to its IP policy: a call from another address is 403 ip-not-allowed', async () => {
    const { ksef, access } = await signatureSession();
    const token = await activeToken(ksef, access, 'ip policy token');
    const login = await loginWithKsefToken(ksef, {
      token: token.token,
      authorizationPolicy: { allowedIps: { ip4Addresses: ['127.0.0.2'] } },
    });
    if (!login.ok) throw new Error(JSON.stringify(login.error));
    const r = await ksef.sessions.list(login.value.accessToken);
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'KSEF_REJECTED', ksef: { httpStatus: 403, reasonCode: 'ip-not-allowed' } },
    });
    expect(messageKeyOf(r.ok ? ({} as never) : r.error)).toBe('http.403.ip-not-allowed');
  });
});

describe('KSeF certificates', () => {
  it('enrolls, queries, revokes — and a revoked certificate no longer logs in (460)', async () => {
    const { nip, ksef, access } = await signatureSession();
    const dataKey = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
      'wrapKey',
      'unwrapKey',
    ]);
    const key = await generateSigningKey(
      subtle,
      'RSA-2048',
      dataKey,
      new TextEncoder().encode(`cert/${nip}`),
    );
    if (!key.ok) throw new Error(key.error.code);
    const data = await ksef.certificates.enrollmentData(access);
    if (!data.ok) throw new Error(data.error.code);
    const csr = await buildCsr(subtle, data.value, key.value);
    if (!csr.ok) throw new Error(csr.error.code);

    // A CSR whose DN differs from the enrollment data is refused (25003).
    const wrong = await buildCsr(subtle, { ...data.value, organizationName: 'Inna firma' }, key.value);
    if (!wrong.ok) throw new Error(wrong.error.code);
    const refused = await ksef.certificates.enroll(access, {
      certificateName: 'Zly wniosek',
      certificateType: 'Authentication',
      csr: toBase64(wrong.value),
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'KSEF_REJECTED', ksef: { code: 25003 } } });

    const enrollment = await ksef.certificates.enroll(access, {
      certificateName: 'Certyfikat RSA',
      certificateType: 'Authentication',
      csr: toBase64(csr.value),
    });
    if (!enrollment.ok) throw new Error(JSON.stringify(enrollment.error));
    const issued = await waitForEnrollment(ksef, access, enrollment.value.referenceNumber);
    if (!issued.ok) throw new Error(JSON.stringify(issued.error));
    const serial = issued.value.certificateSerialNumber;

    const listed = await ksef.certificates.queryAll(access, { status: 'Active' });
    expect(listed.ok && listed.value.map((c) => c.certificateSerialNumber)).toContain(serial);
    const retrieved = await ksef.certificates.retrieve(access, [serial]);
    if (!retrieved.ok) throw new Error(retrieved.error.code);
    const der = Uint8Array.from(Buffer.from(retrieved.value.certificates[0]!.certificate, 'base64'));
    expect(
      (await loginWithKsefCertificate(ksef, { privateKey: key.value.privateKey, certificateDer: der })).ok,
    ).toBe(true);

    expect((await ksef.certificates.revoke(access, serial, 'Superseded')).ok).toBe(true);
    expect(await ksef.certificates.revoke(access, serial)).toMatchObject({
      ok: false,
      error: { code: 'KSEF_REJECTED', ksef: { code: 25009 } },
    });
    const afterRevoke = await ksef.certificates.query(access, { certificateSerialNumber: serial });
    expect(afterRevoke.ok && afterRevoke.value.certificates[0]?.status).toMatch(/Revoked|Blocked/);
    expect(
      await loginWithKsefCertificate(ksef, { privateKey: key.value.privateKey, certificateDer: der }),
    ).toMatchObject({
      ok: false,
      error: { code: 'AUTH_FAILED', ksef: { code: 460 } },
    });
  });

  it('refuses certificate work in a KSeF-token session (25001 / 25002)', async () => {
    const { ksef, access } = await signatureSession();
    const token = await activeToken(ksef, access, 'token session');
    const login = await loginWithKsefToken(ksef, { token: token.token });
    if (!login.ok) throw new Error(JSON.stringify(login.error));
    const data = await ksef.certificates.enrollmentData(login.value.accessToken);
    expect(data).toMatchObject({ ok: false, error: { code: 'KSEF_REJECTED', ksef: { code: 25001 } } });
    expect(messageKeyOf(data.ok ? ({} as never) : data.error)).toBe('ksef.25001');
  });
});

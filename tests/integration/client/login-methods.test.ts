/**
 * The three login methods end to end against the running sandbox over HTTP, with the number of
 * requests each login costs read from the sandbox's request log: challenge + submit + status +
 * redeem when KSeF completes at once (plus the public-key fetch on a cold cache for tokens).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCsr, generateSigningKey, toBase64 } from '../../../shared/crypto/index.ts';
import { getAuthStatus } from '../../../shared/ksef/get-auth-status.ts';
import type { LoginProgress } from '../../../shared/ksef/login-types.ts';
import { loginWithKsefCertificate } from '../../../shared/ksef/login-with-ksef-certificate.ts';
import { loginWithKsefToken } from '../../../shared/ksef/login-with-ksef-token.ts';
import {
  loginWithSignedRequest,
  prepareSignedRequest,
  submitSignedRequest,
} from '../../../shared/ksef/login-with-signed-request.ts';
import { loginWithTestCertificate } from '../../../shared/ksef/login-with-test-certificate.ts';
import { redeemAccessToken } from '../../../shared/ksef/redeem-access-token.ts';
import { waitForEnrollment } from '../../../shared/ksef/wait-for-enrollment.ts';
import { waitForTokenActive } from '../../../shared/ksef/wait-for-token-active.ts';
import { openSandbox, randomNip, subtle } from './sandbox-fixture.ts';
import { createExternalSigner, type ExternalSigner, xmlsec1Verifies } from './xmlsec-signer.ts';

let sb: Awaited<ReturnType<typeof openSandbox>>;
beforeAll(async () => {
  sb = await openSandbox();
});
afterAll(async () => {
  await sb?.close();
});

const LOGIN_FLOOR = [
  'POST /auth/challenge',
  'POST /auth/xades-signature',
  'GET /auth/{referenceNumber}',
  'POST /auth/token/redeem',
];

describe('login with a signed authorization request (signed by xmlsec1)', () => {
  let signer: ExternalSigner;
  const nip = randomNip();
  beforeAll(() => {
    signer = createExternalSigner({ kind: 'seal', nip });
  });
  afterAll(() => signer.cleanup());

  it('downloads the request, accepts the signed file, submits it unchanged, polls and redeems in 4 requests', async () => {
    const ksef = sb.client(nip);
    sb.clear();
    const prepared = await prepareSignedRequest(ksef);
    if (!prepared.ok) throw new Error(JSON.stringify(prepared.error));
    expect(prepared.value.challengeExpiresAtMs - Date.now()).toBeGreaterThan(9.9 * 60_000);
    const signed = signer.sign(prepared.value.xml);
    expect(xmlsec1Verifies(signed, signer.certificatePem)).toBe(true);
    const progress: LoginProgress[] = [];
    const r = await loginWithSignedRequest(ksef, prepared.value, new TextEncoder().encode(signed), {
      onProgress: (p) => progress.push(p),
    });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value).toMatchObject({ method: 'signedRequest', referenceNumber: expect.any(String) });
    expect(r.value.accessToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(Date.parse(r.value.refreshTokenValidUntil)).toBeGreaterThan(
      Date.parse(r.value.accessTokenValidUntil),
    );
    expect(sb.operations()).toEqual(LOGIN_FLOOR);
    expect(progress.map((p) => p.phase)).toContain('redeeming');
    expect(progress.at(-1)).toMatchObject({ phase: 'done', polls: 1 });
  });

  it('offers the manual steps: "Get status", then "Redeem access token" once — a second redeem is 21301', async () => {
    const ksef = sb.client(nip);
    const prepared = await prepareSignedRequest(ksef);
    if (!prepared.ok) throw new Error(prepared.error.code);
    const pending = await submitSignedRequest(ksef, prepared.value, signer.sign(prepared.value.xml));
    if (!pending.ok) throw new Error(JSON.stringify(pending.error));
    let status = await getAuthStatus(ksef, pending.value);
    for (let i = 0; status.ok && status.value.outcome === 'inProgress' && i < 50; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = await getAuthStatus(ksef, pending.value);
    }
    expect(status).toMatchObject({ ok: true, value: { outcome: 'ready', status: { code: 200 } } });
    const tokens = await redeemAccessToken(ksef, pending.value);
    expect(tokens.ok).toBe(true);
    expect(await getAuthStatus(ksef, pending.value)).toMatchObject({
      ok: true,
      value: { outcome: 'redeemed' },
    });
    expect(await redeemAccessToken(ksef, pending.value)).toMatchObject({
      ok: false,
      error: { code: 'KSEF_REJECTED', ksef: { httpStatus: 400, code: 21301 } },
    });
  });

  it('refuses a file changed after signing before sending anything, naming the element', async () => {
    const ksef = sb.client(nip);
    const prepared = await prepareSignedRequest(ksef);
    if (!prepared.ok) throw new Error(prepared.error.code);
    const tampered = signer.sign(prepared.value.xml, {
      alterAfterSigning: (x) => x.replace('certificateSubject', 'certificateFingerprint'),
    });
    sb.clear();
    expect(await submitSignedRequest(ksef, prepared.value, tampered)).toMatchObject({
      ok: false,
      error: { reason: 'SIGNATURE_DIGEST_MISMATCH', element: 'AuthTokenRequest' },
    });
    expect(sb.operations()).toEqual([]);
  });
});

describe('login with a self-signed TEST certificate', () => {
  it('logs the company in with a seal certificate made for its NIP, in 4 requests', async () => {
    const ksef = sb.client(randomNip());
    sb.clear();
    const r = await loginWithTestCertificate(ksef);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.method).toBe('testCertificate');
    expect(sb.operations()).toEqual(LOGIN_FLOOR);
  });
});

describe('login with a KSeF token', () => {
  it('generates a token in a signature session, waits until Active, and logs in with it: 5 requests cold, 4 warm', async () => {
    const nip = randomNip();
    const ksef = sb.client(nip);
    const session = await loginWithTestCertificate(ksef);
    if (!session.ok) throw new Error(JSON.stringify(session.error));
    const generated = await ksef.tokens.generate(session.value.accessToken, {
      permissions: ['InvoiceRead', 'InvoiceWrite'],
      description: 'KSeF Wallet integration test',
    });
    if (!generated.ok) throw new Error(JSON.stringify(generated.error));
    const active = await waitForTokenActive(ksef, session.value.accessToken, generated.value.referenceNumber);
    expect(active).toMatchObject({
      ok: true,
      value: { status: 'Active', requestedPermissions: ['InvoiceRead', 'InvoiceWrite'] },
    });

    sb.clear();
    const login = await loginWithKsefToken(ksef, { token: generated.value.token });
    if (!login.ok) throw new Error(JSON.stringify(login.error));
    expect(login.value.method).toBe('ksefToken');
    expect(sb.operations()).toEqual([
      'GET /security/public-key-certificates',
      'POST /auth/challenge',
      'POST /auth/ksef-token',
      'GET /auth/{referenceNumber}',
      'POST /auth/token/redeem',
    ]);
    sb.clear();
    expect((await loginWithKsefToken(ksef, { token: generated.value.token })).ok).toBe(true);
    expect(sb.operations()).toEqual([
      'POST /auth/challenge',
      'POST /auth/ksef-token',
      'GET /auth/{referenceNumber}',
      'POST /auth/token/redeem',
    ]);
  });
});

describe('login with a KSeF certificate', () => {
  it('enrolls a certificate for a browser-made key with the exact DN, retrieves it and logs in with it in 4 requests', async () => {
    const nip = randomNip();
    const ksef = sb.client(nip);
    const session = await loginWithTestCertificate(ksef);
    if (!session.ok) throw new Error(JSON.stringify(session.error));
    const access = session.value.accessToken;

    const limits = await ksef.certificates.limits(access);
    expect(limits).toMatchObject({ ok: true, value: { canRequest: true } });
    const data = await ksef.certificates.enrollmentData(access);
    if (!data.ok) throw new Error(JSON.stringify(data.error));
    expect(data.value.organizationIdentifier).toBe(`VATPL-${nip}`);

    const dataKey = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
      'wrapKey',
      'unwrapKey',
    ]);
    const key = await generateSigningKey(
      subtle,
      'ECDSA-P256',
      dataKey,
      new TextEncoder().encode(`ksef-wallet/1/certificates/${nip}`),
    );
    if (!key.ok) throw new Error(key.error.code);
    const csr = await buildCsr(subtle, data.value, key.value);
    if (!csr.ok) throw new Error(csr.error.code);
    const enrollment = await ksef.certificates.enroll(access, {
      certificateName: 'Portfel KSeF test',
      certificateType: 'Authentication',
      csr: toBase64(csr.value),
    });
    if (!enrollment.ok) throw new Error(JSON.stringify(enrollment.error));
    const issued = await waitForEnrollment(ksef, access, enrollment.value.referenceNumber);
    if (!issued.ok) throw new Error(JSON.stringify(issued.error));
    const retrieved = await ksef.certificates.retrieve(access, [issued.value.certificateSerialNumber]);
    if (!retrieved.ok) throw new Error(JSON.stringify(retrieved.error));
    const cert = retrieved.value.certificates[0]!;
    expect(cert).toMatchObject({ certificateType: 'Authentication', certificateName: 'Portfel KSeF test' });

    sb.clear();
    const login = await loginWithKsefCertificate(ksef, {
      privateKey: key.value.privateKey,
      certificateDer: Uint8Array.from(Buffer.from(cert.certificate, 'base64')),
    });
    if (!login.ok) throw new Error(JSON.stringify(login.error));
    expect(login.value.method).toBe('ksefCertificate');
    expect(sb.operations()).toEqual(LOGIN_FLOOR);
  });
});

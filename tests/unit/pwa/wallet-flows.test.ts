/**
 * The key worker's KSeF flows as the screens call them, against a real sandbox over HTTP, on the real
 * vault: the walkthrough (test certificate → token → login with it → certificate enrollment
 * → retrieve → default → login with it → revoke the token), the signed-request path with a file
 * signed by xmlsec1, the write-ahead of token secrets and enrollments across a restart, the orphan
 * of a lost POST /tokens answer, and what is refused before any request. What KSeF saw is read from
 * the sandbox's own request log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowProgress } from '../../../pwa/flows/flow-api.ts';
import { randomNip } from '../../integration/client/sandbox-fixture.ts';
import { createExternalSigner, type ExternalSigner } from '../../integration/client/xmlsec-signer.ts';
import { must, openWalletHarness, PASSPHRASE, type WalletHarness } from './wallet-harness.ts';

let h: WalletHarness;
beforeAll(async () => {
  h = await openWalletHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const JWT = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;

describe('the walkthrough of the issue, flow by flow', () => {
  it('gets a first session with the test certificate, a token, a KSeF certificate, logs in with each, and revokes the token', async () => {
    const nip = randomNip();
    const company = await h.company(nip);
    const w = () => h.wallet;

    // 1. Sign with the test certificate: a session, its refresh token sealed, nothing secret returned.
    const steps: FlowProgress['step'][] = [];
    const first = must(
      await w().flows.call(
        'loginWithTestCertificate',
        { companyId: company.id },
        { onProgress: (p) => steps.push(p.step) },
      ),
      'test certificate login',
    );
    expect(first.method).toBe('test-certificate');
    expect(JSON.stringify(first)).not.toMatch(JWT);
    expect(steps).toEqual(
      expect.arrayContaining(['challenge', 'signing', 'submitting', 'polling', 'redeeming', 'done']),
    );
    const sessions = await w().vault.listSessions(company.id);
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({
      referenceNumber: first.referenceNumber,
      hasRefreshToken: true,
      state: 'active',
    });

    // 2. Generate a token: written ahead, the secret comes back once, then it becomes Active.
    h.sandbox.clear();
    const generated = must(
      await w().flows.call('generateToken', {
        companyId: company.id,
        description: 'ERP wysyłka faktur',
        permissions: ['InvoiceRead', 'InvoiceWrite'],
      }),
      'generate token',
    );
    expect(generated.secret).toMatch(/\|nip-\d{10}\|[0-9a-f]{64}$/);
    expect(generated.token.description).toMatch(/^ERP wysyłka faktur KW-[0-9a-f]{12}$/);
    expect(h.sandbox.operations()).toEqual(['POST /tokens']);
    const active = must(await w().flows.call('awaitTokenActive', { tokenId: generated.tokenId }), 'activate');
    expect(active.status).toBe('Active');
    expect(await w().vault.pendingWork()).toEqual([]);
    must(await w().vault.setDefaultToken({ tokenId: generated.tokenId }), 'default token');

    // 3. Log in with the token (encrypted in the worker for its own challenge).
    const byToken = must(await w().flows.call('loginWithToken', { companyId: company.id }), 'token login');
    expect(byToken).toMatchObject({ method: 'ksef-token', credentialId: generated.tokenId });

    // 4. Enroll a certificate by hand: submit, "Get status" until a serial number, "Retrieve".
    const enrolled = must(
      await w().flows.call('enrollCertificate', {
        companyId: company.id,
        certificateName: 'Logowanie ERP',
        certificateType: 'Authentication',
        algorithm: 'ECDSA-P256',
        excludeFromBackup: false,
        automatic: false,
      }),
      'enroll',
    );
    expect(enrolled.referenceNumber).toMatch(/-EH-/);
    const [pending] = await w().vault.pendingWork();
    expect(pending).toMatchObject({
      kind: 'enrollment',
      stage: 'submitted',
      certificateId: enrolled.certificateId,
    });
    const status = must(
      await w().flows.call('getEnrollmentStatus', { certificateId: enrolled.certificateId }),
      'status',
    );
    expect(status).toMatchObject({ statusCode: 200, serialNumber: expect.stringMatching(/^[0-9A-F]{16}$/) });
    const retrieved = must(
      await w().flows.call('retrieveCertificate', { certificateId: enrolled.certificateId }),
      'retrieve',
    );
    expect(retrieved.certificate).toMatchObject({
      state: 'active',
      hasCertificate: true,
      hasPrivateKey: true,
    });
    expect(retrieved.certificate?.serialNumber).toBe(status.serialNumber);
    must(
      await w().vault.setDefaultCertificate({ certificateId: enrolled.certificateId }),
      'default certificate',
    );

    // 5. Log in with the KSeF certificate (XAdES signed in the worker with the non-extractable key).
    const byCertificate = must(
      await w().flows.call('loginWithCertificate', { companyId: company.id }),
      'certificate login',
    );
    expect(byCertificate).toMatchObject({ method: 'ksef-certificate', credentialId: enrolled.certificateId });
    const defaultLogin = must(
      await w().flows.call('loginWithDefault', { companyId: company.id }),
      'default login',
    );
    expect(defaultLogin.method).toBe('ksef-certificate');

    // 6. Revoke the token (passphrase re-entered); KSeF and the vault agree on its status.
    const wrong = await w().flows.call('revokeKsefToken', {
      companyId: company.id,
      referenceNumber: generated.referenceNumber,
      passphrase: 'to nie jest hasło portfela',
    });
    expect(wrong).toMatchObject({ ok: false, error: { reason: 'WRONG_PASSPHRASE' } });
    const revoked = must(
      await w().flows.call('revokeKsefToken', {
        companyId: company.id,
        referenceNumber: generated.referenceNumber,
        passphrase: PASSPHRASE,
      }),
      'revoke token',
    );
    expect(['Revoking', 'Revoked']).toContain(revoked.status);
    const tokens = must(await w().flows.call('listKsefTokens', { companyId: company.id }), 'tokens');
    expect(tokens.find((t) => t.referenceNumber === generated.referenceNumber)?.status).toMatch(/^Revok/);
    const [held] = await w().vault.listTokens(company.id);
    expect(held).toMatchObject({ isDefault: 0 });
    expect(held?.status).toMatch(/^Revok/);

    // The certificate list at KSeF shows ours as held and default; the sessions list marks the current one.
    const certs = must(
      await w().flows.call('queryKsefCertificates', { companyId: company.id }),
      'certificates',
    );
    expect(certs.find((c) => c.serialNumber === status.serialNumber)).toMatchObject({
      status: 'Active',
      certificateId: enrolled.certificateId,
      isDefault: true,
    });
    const live = must(await w().flows.call('listKsefSessions', { companyId: company.id }), 'sessions');
    expect(live.filter((s) => s.isCurrent)).toHaveLength(1);
    expect(live.map((s) => s.referenceNumber)).toEqual(expect.arrayContaining([first.referenceNumber]));
  });

  it('enrolls automatically (status polled, certificate retrieved) and refuses enrollment after a token-only login', async () => {
    const company = await h.company(randomNip());
    must(await h.wallet.flows.call('loginWithTestCertificate', { companyId: company.id }), 'login');
    const auto = must(
      await h.wallet.flows.call('enrollCertificate', {
        companyId: company.id,
        certificateName: 'Automatyczny',
        certificateType: 'Offline',
        algorithm: 'RSA-2048',
        excludeFromBackup: true,
        automatic: true,
      }),
      'enroll',
    );
    expect(auto.certificate).toMatchObject({
      state: 'active',
      certificateType: 'Offline',
      excludeFromBackup: 1,
    });
    // An Offline certificate never logs in (REFERENCE §3.9).
    expect(
      await h.wallet.flows.call('loginWithCertificate', {
        companyId: company.id,
        certificateId: auto.certificateId,
      }),
    ).toMatchObject({ ok: false, error: { reason: 'CERTIFICATE_NOT_FOR_LOGIN' } });

    // A company whose only session came from a KSeF token cannot enroll.
    const tokenOnly = await h.company(randomNip());
    must(await h.wallet.flows.call('loginWithTestCertificate', { companyId: tokenOnly.id }), 'login');
    const g = must(
      await h.wallet.flows.call('generateToken', {
        companyId: tokenOnly.id,
        description: 'tylko token',
        permissions: ['InvoiceRead'],
      }),
      'generate',
    );
    must(await h.wallet.flows.call('awaitTokenActive', { tokenId: g.tokenId }), 'activate');
    for (const s of await h.wallet.vault.listSessions(tokenOnly.id))
      must(await h.wallet.vault.endSession({ sessionId: s.id, state: 'ended' }), 'end');
    must(
      await h.wallet.flows.call('loginWithToken', { companyId: tokenOnly.id, tokenId: g.tokenId }),
      'token login',
    );
    h.sandbox.clear();
    expect(
      await h.wallet.flows.call('enrollCertificate', {
        companyId: tokenOnly.id,
        certificateName: 'Nie przejdzie',
        certificateType: 'Authentication',
        algorithm: 'ECDSA-P256',
        excludeFromBackup: false,
        automatic: true,
      }),
    ).toMatchObject({ ok: false, error: { reason: 'NEEDS_SIGNATURE_SESSION' } });
    expect(h.sandbox.operations()).toEqual([]);
  });

  it('refuses the test certificate on production and asks for a login first, before any request', async () => {
    const prd = await h.wallet.vault.addCompany({ name: 'Produkcja', nip: randomNip(), environment: 'PRD' });
    const company = must(prd, 'add PRD company');
    h.sandbox.clear();
    expect(await h.wallet.flows.call('loginWithTestCertificate', { companyId: company.id })).toMatchObject({
      ok: false,
      error: { reason: 'NOT_TEST_ENVIRONMENT' },
    });
    const other = await h.company(randomNip());
    expect(await h.wallet.flows.call('listKsefTokens', { companyId: other.id })).toMatchObject({
      ok: false,
      error: { reason: 'NO_SESSION' },
    });
    expect(await h.wallet.flows.call('loginWithCertificate', { companyId: other.id })).toMatchObject({
      ok: false,
      error: { reason: 'NO_DEFAULT_CREDENTIAL' },
    });
    expect(h.sandbox.operations()).toEqual([]);
  });
});

describe('the signed request, signed outside by xmlsec1', () => {
  let signer: ExternalSigner;
  const nip = randomNip();
  beforeAll(() => {
    signer = createExternalSigner({ kind: 'seal', nip });
  });
  afterAll(() => signer.cleanup());

  it('downloads, takes the signed file, then "Get status" and "Redeem access token" once', async () => {
    const company = await h.company(nip);
    const prepared = must(
      await h.wallet.flows.call('prepareSignedRequest', { companyId: company.id }),
      'prepare',
    );
    expect(prepared.xml).toContain(`<Nip>${nip}</Nip>`);
    expect(prepared.expiresAtMs - Date.now()).toBeGreaterThan(9 * 60_000);
    const signed = new TextEncoder().encode(signer.sign(prepared.xml));
    const submitted = must(
      await h.wallet.flows.call('submitSignedRequest', { requestId: prepared.requestId, file: signed }),
      'submit',
    );
    // The challenge is spent: the same request id is gone.
    expect(
      await h.wallet.flows.call('submitSignedRequest', { requestId: prepared.requestId, file: signed }),
    ).toMatchObject({ ok: false, error: { reason: 'UNKNOWN_REQUEST' } });
    const listed = await h.wallet.flows.call('listAuthRequests', { companyId: company.id });
    expect(listed.map((r) => r.referenceNumber)).toEqual([submitted.referenceNumber]);
    let status = must(
      await h.wallet.flows.call('getAuthStatus', { referenceNumber: submitted.referenceNumber }),
      'status',
    );
    for (let i = 0; status.statusCode === 100 && i < 50; i++)
      status = must(
        await h.wallet.flows.call('getAuthStatus', { referenceNumber: submitted.referenceNumber }),
        'status',
      );
    expect(status.statusCode).toBe(200);
    const session = must(
      await h.wallet.flows.call('redeemAccessToken', { referenceNumber: submitted.referenceNumber }),
      'redeem',
    );
    expect(session.method).toBe('signed-request');
    h.sandbox.clear();
    expect(
      await h.wallet.flows.call('redeemAccessToken', { referenceNumber: submitted.referenceNumber }),
    ).toMatchObject({ ok: false, error: { reason: 'ALREADY_REDEEMED' } });
    expect(h.sandbox.operations()).toEqual([]);
  });

  it('names a wrong file precisely and sends nothing; polls and redeems automatically by default', async () => {
    const company = (await h.wallet.vault.listCompanies()).find((c) => c.nip === nip)!;
    const prepared = must(
      await h.wallet.flows.call('prepareSignedRequest', { companyId: company.id }),
      'prepare',
    );
    const altered = signer.sign(prepared.xml, {
      alterAfterSigning: (x) => x.replace(`<Nip>${nip}</Nip>`, '<Nip>5265877635</Nip>'),
    });
    h.sandbox.clear();
    const refused = await h.wallet.flows.call('submitSignedRequest', {
      requestId: prepared.requestId,
      file: new TextEncoder().encode(altered),
    });
    expect(refused).toMatchObject({ ok: false, error: { reason: 'AUTH_REQUEST_WRONG_CONTEXT' } });
    expect(h.sandbox.operations()).toEqual([]);
    const submitted = must(
      await h.wallet.flows.call('submitSignedRequest', {
        requestId: prepared.requestId,
        file: new TextEncoder().encode(signer.sign(prepared.xml)),
      }),
      'submit',
    );
    const session = must(
      await h.wallet.flows.call('awaitLogin', { referenceNumber: submitted.referenceNumber }),
      'await',
    );
    expect(session).toMatchObject({ method: 'signed-request', referenceNumber: submitted.referenceNumber });
  });
});

describe('nothing lost', () => {
  it('resumes a generated token after a restart: the secret was sealed before the page saw it', async () => {
    const company = await h.company(randomNip());
    must(await h.wallet.flows.call('loginWithTestCertificate', { companyId: company.id }), 'login');
    h.sandbox.sandbox.control.configure({ tokenActivationDelayMs: 60_000 });
    try {
      const g = must(
        await h.wallet.flows.call('generateToken', {
          companyId: company.id,
          description: 'przerwane generowanie',
          permissions: ['InvoiceRead'],
        }),
        'generate',
      );
      // The tab closes before activation: the vault keeps the sealed secret and the pending row.
      await h.restart();
      expect((await h.wallet.vault.pendingWork()).filter((p) => p.companyId === company.id)).toMatchObject([
        { kind: 'token', stage: 'generated', tokenId: g.tokenId },
      ]);
      must(await h.wallet.vault.unlock(PASSPHRASE), 'unlock');
      // KSeF activates the token while the wallet is closed.
      h.sandbox.sandbox.control.advanceTime(61_000);
      const report = must(await h.wallet.flows.call('resumePendingWork', {}), 'resume');
      expect(report).toMatchObject({ tokensActivated: 1, waiting: 0 });
      expect((await h.wallet.vault.pendingWork()).filter((p) => p.companyId === company.id)).toEqual([]);
      const [token] = await h.wallet.vault.listTokens(company.id);
      expect(token).toMatchObject({ id: g.tokenId, status: 'Active' });
      // The refresh token sealed before the restart logged the resumed work in: no new login.
      expect(
        (await h.wallet.vault.listSessions(company.id)).filter((s) => s.state === 'active'),
      ).toHaveLength(1);
    } finally {
      h.sandbox.sandbox.control.configure({ tokenActivationDelayMs: 0 });
    }
  });

  it('revokes the orphan of a lost POST /tokens answer (its secret was never seen) and closes the intent', async () => {
    const company = await h.company(randomNip());
    must(await h.wallet.flows.call('loginWithTestCertificate', { companyId: company.id }), 'login');
    h.sandbox.sandbox.control.injectFault({ kind: 'drop', operation: 'POST /tokens' });
    const lost = await h.wallet.flows.call('generateToken', {
      companyId: company.id,
      description: 'odpowiedź zgubiona',
      permissions: ['InvoiceRead'],
    });
    expect(lost.ok).toBe(false);
    expect((await h.wallet.vault.pendingWork()).filter((p) => p.companyId === company.id)).toEqual([]);
    expect(await h.wallet.vault.listTokens(company.id)).toEqual([]);
    const atKsef = must(await h.wallet.flows.call('listKsefTokens', { companyId: company.id }), 'tokens');
    expect(atKsef).toHaveLength(1);
    expect(atKsef[0]?.status).toMatch(/^Revok/);
    expect(atKsef[0]?.description).toMatch(/^odpowiedź zgubiona KW-[0-9a-f]{12}$/);
  });

  it('resumes an enrollment whose tab closed while KSeF was issuing it, and retrieves the certificate', async () => {
    const company = await h.company(randomNip());
    must(await h.wallet.flows.call('loginWithTestCertificate', { companyId: company.id }), 'login');
    const e = must(
      await h.wallet.flows.call('enrollCertificate', {
        companyId: company.id,
        certificateName: 'Wznowiony wniosek',
        certificateType: 'Authentication',
        algorithm: 'ECDSA-P256',
        excludeFromBackup: false,
        automatic: false,
      }),
      'enroll',
    );
    await h.restart();
    must(await h.wallet.vault.unlock(PASSPHRASE), 'unlock');
    const report = must(await h.wallet.flows.call('resumePendingWork', {}), 'resume');
    expect(report).toMatchObject({ certificatesRetrieved: 1 });
    const cert = (await h.wallet.vault.listCertificates(company.id)).find((c) => c.id === e.certificateId);
    expect(cert).toMatchObject({ state: 'active', hasCertificate: true, hasPrivateKey: true });
  });
});

describe('resuming never touches work still running', () => {
  it('leaves a token intent alone while its POST /tokens is in flight (it is not an orphan)', async () => {
    const company = await h.company(randomNip());
    must(await h.wallet.flows.call('loginWithTestCertificate', { companyId: company.id }), 'login');
    h.sandbox.sandbox.control.configure({ latencyMs: 300 });
    try {
      h.sandbox.clear();
      const generating = h.wallet.flows.call('generateToken', {
        companyId: company.id,
        description: 'w trakcie generowania',
        permissions: ['InvoiceRead'],
      });
      for (
        let i = 0;
        i < 100 && !(await h.wallet.vault.pendingWork()).some((p) => p.companyId === company.id);
        i++
      )
        await new Promise((ok) => setTimeout(ok, 5));
      const report = must(await h.wallet.flows.call('resumePendingWork', {}), 'resume');
      expect(report).toMatchObject({ orphansRevoked: 0, intentsClosed: 0 });
      const g = must(await generating, 'generate');
      expect(h.sandbox.operations()).not.toContain('DELETE /tokens/{referenceNumber}');
      expect((await h.wallet.vault.listTokens(company.id)).map((t) => t.id)).toEqual([g.tokenId]);
    } finally {
      h.sandbox.sandbox.control.configure({ latencyMs: 0 });
    }
  });
});

describe('cancelling', () => {
  it('stops a login on abort and never redeems it', async () => {
    const company = await h.company(randomNip());
    h.sandbox.sandbox.control.configure({ authDelayMs: 5_000 });
    try {
      const controller = new AbortController();
      h.sandbox.clear();
      const running = h.wallet.flows.call(
        'loginWithTestCertificate',
        { companyId: company.id },
        {
          signal: controller.signal,
          onProgress: (p) => {
            if (p.step === 'polling' && (p.polls ?? 0) >= 1) controller.abort();
          },
        },
      );
      expect(await running).toMatchObject({ ok: false, error: { code: 'ABORTED' } });
      expect(h.sandbox.operations()).not.toContain('POST /auth/token/redeem');
      expect(await h.wallet.vault.listSessions(company.id)).toEqual([]);
    } finally {
      h.sandbox.sandbox.control.configure({ authDelayMs: 0 });
    }
  });
});

/**
 * KSeF tokens (REFERENCE §3.8, §9, §10): generated from a signature-based session, Pending →
 * Active → Revoking → Revoked, listed and filtered with continuation, and used to log in with a
 * `token|timestampMs` encrypted by `openssl pkeyutl` (RSA-OAEP-SHA256) under the published key.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../../sandbox/server.ts';
import {
  call,
  challenge,
  errorCode,
  errorDetails,
  type Identity,
  loginWithSignature,
  openssl,
  opensslEncryptToken,
  randomNip,
  type Session,
  sealSubject,
  selfSigned,
  tempDir,
  waitForStatus,
  write,
} from './helpers.ts';

const ws = tempDir();
let sandbox: Sandbox;
let base: string;
const nip = randomNip();
let seal: Identity;
let owner: Session;

type PublicKey = {
  certificate: string;
  publicKeyId: string;
  certificateId: string;
  usage: string[];
  validFrom: string;
};

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimits: 'off', seed: false });
  base = sandbox.baseUrl;
  seal = selfSigned(ws, 'seal', sealSubject(nip));
  owner = await loginWithSignature(base, ws, seal, { type: 'Nip', value: nip });
});
afterAll(async () => {
  await sandbox.close();
  ws.cleanup();
});

async function generate(
  permissions: string[],
  description = 'Token do testów sandboxa',
  token = owner.accessToken,
) {
  return call(base, 'POST', '/tokens', { token, json: { permissions, description } });
}

async function tokenKey(): Promise<PublicKey> {
  const keys = (await call(base, 'GET', '/security/public-key-certificates')).body as unknown as PublicKey[];
  return keys
    .filter((k) => k.usage.includes('KsefTokenEncryption'))
    .sort((a, b) => Date.parse(b.validFrom) - Date.parse(a.validFrom))[0]!;
}

async function tokenLogin(
  secret: string,
  options: {
    context?: { type: string; value: string };
    publicKeyId?: string | null;
    timestamp?: (ms: number) => number;
    key?: PublicKey;
    authorizationPolicy?: unknown;
  } = {},
) {
  const c = await challenge(base);
  const key = options.key ?? (await tokenKey());
  const ts = options.timestamp ? options.timestamp(c.timestampMs) : c.timestampMs;
  const encryptedToken = opensslEncryptToken(ws, key.certificate, `${secret}|${ts}`);
  const body: Record<string, unknown> = {
    challenge: c.challenge,
    contextIdentifier: options.context ?? { type: 'Nip', value: nip },
    encryptedToken,
  };
  if (options.publicKeyId !== null) body.publicKeyId = options.publicKeyId ?? key.publicKeyId;
  if (options.authorizationPolicy) body.authorizationPolicy = options.authorizationPolicy;
  return call(base, 'POST', '/auth/ksef-token', { json: body });
}

async function finalStatus(submitted: Awaited<ReturnType<typeof tokenLogin>>) {
  expect(submitted.status).toBe(202);
  return waitForStatus(
    base,
    submitted.body.referenceNumber as string,
    (submitted.body.authenticationToken as { token: string }).token,
  );
}

describe('the published encryption keys', () => {
  it('list RSA-2048 certificates per usage with certificateId and publicKeyId computed as documented', async () => {
    const keys = (await call(base, 'GET', '/security/public-key-certificates'))
      .body as unknown as PublicKey[];
    expect(keys.flatMap((k) => k.usage).sort()).toEqual(['KsefTokenEncryption', 'SymmetricKeyEncryption']);
    for (const k of keys) {
      const der = ws.path(`${k.publicKeyId.slice(0, 8).replace(/\W/g, '_')}.der`);
      write(der, Buffer.from(k.certificate, 'base64'));
      const text = openssl('x509', '-inform', 'DER', '-in', der, '-noout', '-text');
      expect(text).toContain('Public-Key: (2048 bit)');
      const spki = openssl('x509', '-inform', 'DER', '-in', der, '-noout', '-pubkey');
      const spkiDer = Buffer.from(spki.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
      expect(k.publicKeyId).toBe(createHash('sha256').update(spkiDer).digest('base64'));
      expect(k.certificateId).toBe(
        createHash('sha256').update(Buffer.from(k.certificate, 'base64')).digest('base64'),
      );
      expect(k.publicKeyId).toHaveLength(44);
    }
  });
});

describe('generating a token', () => {
  it('returns the secret once, in KSeF’s format, Pending until the activation delay has passed', async () => {
    sandbox.control.configure({ tokenActivationDelayMs: 5000 });
    try {
      const r = await generate(['InvoiceRead', 'InvoiceWrite']);
      expect(r.status).toBe(202);
      const ref = r.body.referenceNumber as string;
      expect(ref).toMatch(/^\d{8}-EC-[0-9A-F]{10}-[0-9A-F]{10}-[0-9A-F]{2}$/);
      expect(r.body.token).toMatch(new RegExp(`^${ref}\\|nip-${nip}\\|[0-9a-f]{64}$`));
      const pending = await call(base, 'GET', `/tokens/${ref}`, { token: owner.accessToken });
      expect(pending.body).toMatchObject({
        referenceNumber: ref,
        status: 'Pending',
        authorIdentifier: { type: 'Nip', value: nip },
        contextIdentifier: { type: 'Nip', value: nip },
        requestedPermissions: ['InvoiceRead', 'InvoiceWrite'],
      });
      expect(JSON.stringify(pending.body)).not.toContain((r.body.token as string).split('|')[2]);
      sandbox.control.advanceTime(5000);
      expect((await call(base, 'GET', `/tokens/${ref}`, { token: owner.accessToken })).body.status).toBe(
        'Active',
      );
    } finally {
      sandbox.control.configure({ tokenActivationDelayMs: 0 });
    }
  });
  it('refuses permissions the caller does not have (26001, naming them)', async () => {
    const r = await generate(['InvoiceRead', 'EnforcementOperations']);
    expect(errorCode(r)).toBe(26001);
    expect(errorDetails(r)[0]).toContain('EnforcementOperations');
  });
  it('validates the body against the spec (21405) and binds names and enums case-insensitively', async () => {
    expect(errorCode(await generate(['InvoiceRead'], 'abc'))).toBe(21405);
    expect(errorCode(await generate(['NoSuchPermission']))).toBe(21405);
    const pascal = await call(base, 'POST', '/tokens', {
      token: owner.accessToken,
      json: { Permissions: ['invoiceread'], Description: 'PascalCase jak klient C#' },
    });
    expect(pascal.status).toBe(202);
  });
  it('needs a signature-based session: a token session is refused', async () => {
    const t = await generate(['InvoiceRead', 'CredentialsManage']);
    const access = await tokenSession(t.body.token as string);
    const r = await generate(['InvoiceRead'], 'Z sesji tokenowej', access);
    expect(r.status).toBe(403);
    expect(r.body.reasonCode).toBe('auth-method-not-allowed');
  });
});

async function tokenSession(secret: string): Promise<string> {
  const submitted = await tokenLogin(secret);
  const op = (submitted.body.authenticationToken as { token: string }).token;
  const status = await waitForStatus(base, submitted.body.referenceNumber as string, op);
  expect(status.body.status).toMatchObject({ code: 200 });
  expect(status.body.authenticationMethodInfo).toEqual({
    category: 'Token',
    code: 'token.ksef',
    displayName: 'Token KSeF',
  });
  const redeemed = await call(base, 'POST', '/auth/token/redeem', { token: op });
  expect(redeemed.status).toBe(200);
  return (redeemed.body.accessToken as { token: string }).token;
}

describe('logging in with a token encrypted by openssl pkeyutl', () => {
  it('works with the announced publicKeyId and with none (the default key, #802)', async () => {
    const t = await generate(['InvoiceRead']);
    await tokenSession(t.body.token as string);
    const noId = await finalStatus(await tokenLogin(t.body.token as string, { publicKeyId: null }));
    expect(noId.body.status).toMatchObject({ code: 200 });
  });
  it('reports each token problem as status 450 with KSeF’s detail', async () => {
    const active = (await generate(['InvoiceRead'])).body.token as string;
    const [ref, ctx] = active.split('|') as [string, string, string];
    const cases: [string, Parameters<typeof tokenLogin>[1], string][] = [
      [`${ref}|${ctx}|${'0'.repeat(64)}`, {}, 'Nieprawidłowy token'],
      [active, { timestamp: (ms) => ms + 1 }, 'Nieprawidłowy czas tokena'],
      ['not a token at all', {}, 'Nieprawidłowe kodowanie tokena'],
      [active, { context: { type: 'Nip', value: randomNip() } }, 'Token nie może być użyty w kontekście'],
    ];
    for (const [secret, options, detail] of cases) {
      const status = await finalStatus(await tokenLogin(secret, options));
      expect(status.body.status).toMatchObject({
        code: 450,
        description: 'Uwierzytelnianie zakończone niepowodzeniem z powodu błędnego tokenu',
      });
      expect((status.body.status as { details: string[] }).details[0]).toContain(detail);
    }
    // Ciphertext that is not RSA-OAEP under the key (here: random bytes).
    const c = await challenge(base);
    const garbage = await call(base, 'POST', '/auth/ksef-token', {
      json: {
        challenge: c.challenge,
        contextIdentifier: { type: 'Nip', value: nip },
        encryptedToken: Buffer.alloc(256, 7).toString('base64'),
      },
    });
    const status = await finalStatus(garbage);
    expect((status.body.status as { details: string[] }).details).toEqual([
      'Nieprawidłowe szyfrowanie tokena',
    ]);
  });
  it('a Pending token is "Token nieaktywny", a revoked one "Token unieważniony"', async () => {
    sandbox.control.configure({ tokenActivationDelayMs: 60_000 });
    let pending: string;
    try {
      pending = (await generate(['InvoiceRead'])).body.token as string;
      const s = await finalStatus(await tokenLogin(pending));
      expect((s.body.status as { details: string[] }).details).toEqual(['Token nieaktywny']);
    } finally {
      sandbox.control.configure({ tokenActivationDelayMs: 0 });
    }
    const t = await generate(['InvoiceRead']);
    expect(
      (await call(base, 'DELETE', `/tokens/${t.body.referenceNumber}`, { token: owner.accessToken })).status,
    ).toBe(204);
    const s = await finalStatus(await tokenLogin(t.body.token as string));
    expect((s.body.status as { details: string[] }).details).toEqual(['Token unieważniony']);
  });
  it('an unknown or withdrawn publicKeyId is 21470 naming the key; a rotated key works', async () => {
    const t = (await generate(['InvoiceRead'])).body.token as string;
    const unknownId = Buffer.alloc(32, 1).toString('base64');
    const r = await tokenLogin(t, { publicKeyId: unknownId });
    expect(errorCode(r)).toBe(21470);
    expect(errorDetails(r)).toEqual([`Klucz o identyfikatorze ${unknownId} nie jest wspierany.`]);
    const old = await tokenKey();
    sandbox.control.rotateEncryptionKeys({ withdrawOld: true });
    const withdrawn = await tokenLogin(t, { key: old });
    expect(errorCode(withdrawn)).toBe(21470);
    const fresh = await tokenKey();
    expect(fresh.publicKeyId).not.toBe(old.publicKeyId);
    expect((await finalStatus(await tokenLogin(t, { key: fresh }))).body.status).toMatchObject({ code: 200 });
  });
  it('binds the access token to the JSON authorizationPolicy (a /32 mask of another address → 403)', async () => {
    const t = (await generate(['InvoiceRead'])).body.token as string;
    const submitted = await tokenLogin(t, {
      authorizationPolicy: { allowedIps: { ip4Masks: ['127.0.0.2/32'], ip4Ranges: ['10.0.0.1-10.0.0.9'] } },
    });
    const op = (submitted.body.authenticationToken as { token: string }).token;
    await waitForStatus(base, submitted.body.referenceNumber as string, op);
    const access = (
      (await call(base, 'POST', '/auth/token/redeem', { token: op })).body.accessToken as { token: string }
    ).token;
    const r = await call(base, 'GET', '/tokens', { token: access });
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ reasonCode: 'ip-not-allowed', security: { clientIp: '127.0.0.1' } });
  });
  it('an expired challenge is 21111', async () => {
    const t = (await generate(['InvoiceRead'])).body.token as string;
    const c = await challenge(base);
    const key = await tokenKey();
    sandbox.control.advanceTime(600_000);
    const r = await call(base, 'POST', '/auth/ksef-token', {
      json: {
        challenge: c.challenge,
        contextIdentifier: { type: 'Nip', value: nip },
        encryptedToken: opensslEncryptToken(ws, key.certificate, `${t}|${c.timestampMs}`),
        publicKeyId: key.publicKeyId,
      },
    });
    expect(errorCode(r)).toBe(21111);
    owner = await loginWithSignature(base, ws, seal, { type: 'Nip', value: nip });
  });
  it('malformed Base64 in encryptedToken or publicKeyId is 21405, a wrong-length publicKeyId too', async () => {
    const c = await challenge(base);
    const body = { challenge: c.challenge, contextIdentifier: { type: 'Nip', value: nip } };
    for (const extra of [
      { encryptedToken: 'not base64!' },
      { encryptedToken: 'AAA' },
      { encryptedToken: 'AAAA', publicKeyId: 'short' },
      { encryptedToken: 'AAAA', publicKeyId: `${'*'.repeat(43)}=` },
    ]) {
      const r = await call(base, 'POST', '/auth/ksef-token', { json: { ...body, ...extra } });
      expect(errorCode(r)).toBe(21405);
    }
  });
  it('more than 10 addresses in the IP policy is 21405 (the spec writes the limit as min/max)', async () => {
    const c = await challenge(base);
    const r = await call(base, 'POST', '/auth/ksef-token', {
      json: {
        challenge: c.challenge,
        contextIdentifier: { type: 'Nip', value: nip },
        encryptedToken: 'AAAA',
        authorizationPolicy: {
          allowedIps: { ip4Addresses: Array.from({ length: 11 }, (_, i) => `10.0.0.${i}`) },
        },
      },
    });
    expect(errorCode(r)).toBe(21405);
  });
});

describe('listing, reading and revoking', () => {
  it('lists newest first with status/description/author filters and continuation', async () => {
    const n = randomNip();
    const session = await loginWithSignature(base, ws, selfSigned(ws, `l-${n}`, sealSubject(n)), {
      type: 'Nip',
      value: n,
    });
    const refs: string[] = [];
    for (let i = 0; i < 12; i += 1) {
      const r = await generate(
        ['InvoiceRead'],
        `Token numer ${i} ${i % 2 ? 'parzysty' : 'nieparzysty'}`,
        session.accessToken,
      );
      refs.push(r.body.referenceNumber as string);
      sandbox.control.advanceTime(10);
    }
    await call(base, 'DELETE', `/tokens/${refs[0]}`, { token: session.accessToken });
    const first = await call(base, 'GET', '/tokens', { token: session.accessToken });
    const tokens = first.body.tokens as { referenceNumber: string }[];
    expect(tokens).toHaveLength(10);
    expect(tokens[0]!.referenceNumber).toBe(refs[11]);
    const rest = await call(base, 'GET', '/tokens', {
      token: session.accessToken,
      headers: { 'x-continuation-token': first.body.continuationToken as string },
    });
    expect((rest.body.tokens as unknown[]).length).toBe(2);
    const revoked = await call(base, 'GET', '/tokens?status=Revoked&status=Revoking', {
      token: session.accessToken,
    });
    expect((revoked.body.tokens as { referenceNumber: string }[]).map((t) => t.referenceNumber)).toEqual([
      refs[0],
    ]);
    const byDescription = await call(base, 'GET', '/tokens?description=PARZYSTY&pageSize=50', {
      token: session.accessToken,
    });
    expect((byDescription.body.tokens as unknown[]).length).toBe(12);
    const byAuthor = await call(
      base,
      'GET',
      `/tokens?authorIdentifier=${n.slice(2, 7)}&authorIdentifierType=Nip`,
      { token: session.accessToken },
    );
    expect((byAuthor.body.tokens as unknown[]).length).toBe(10);
    expect(errorCode(await call(base, 'GET', '/tokens?description=ab', { token: session.accessToken }))).toBe(
      21405,
    );
    expect(errorCode(await call(base, 'GET', '/tokens?status=Nope', { token: session.accessToken }))).toBe(
      21405,
    );
    expect(
      errorCode(
        await call(base, 'GET', '/tokens', {
          token: session.accessToken,
          headers: { 'x-continuation-token': '!!' },
        }),
      ),
    ).toBe(21418);
  });
  it('a token session sees and revokes only its own token', async () => {
    const mine = await generate(['InvoiceRead']);
    const other = await generate(['InvoiceRead']);
    const access = await tokenSession(mine.body.token as string);
    const list = await call(base, 'GET', '/tokens', { token: access });
    expect((list.body.tokens as { referenceNumber: string }[]).map((t) => t.referenceNumber)).toEqual([
      mine.body.referenceNumber,
    ]);
    expect((await call(base, 'GET', `/tokens/${other.body.referenceNumber}`, { token: access })).status).toBe(
      403,
    );
    expect(
      (await call(base, 'DELETE', `/tokens/${other.body.referenceNumber}`, { token: access })).status,
    ).toBe(403);
    expect(
      (await call(base, 'DELETE', `/tokens/${mine.body.referenceNumber}`, { token: access })).status,
    ).toBe(204);
  });
  it('revoking goes through Revoking to Revoked, and the session refresh then says the token was revoked', async () => {
    const t = await generate(['InvoiceRead']);
    const submitted = await tokenLogin(t.body.token as string);
    const op = (submitted.body.authenticationToken as { token: string }).token;
    await waitForStatus(base, submitted.body.referenceNumber as string, op);
    const redeemed = await call(base, 'POST', '/auth/token/redeem', { token: op });
    const refresh = (redeemed.body.refreshToken as { token: string }).token;
    sandbox.control.configure({ tokenActivationDelayMs: 2000 });
    try {
      await call(base, 'DELETE', `/tokens/${t.body.referenceNumber}`, { token: owner.accessToken });
      expect(
        (await call(base, 'GET', `/tokens/${t.body.referenceNumber}`, { token: owner.accessToken })).body
          .status,
      ).toBe('Revoking');
      sandbox.control.advanceTime(2000);
      expect(
        (await call(base, 'GET', `/tokens/${t.body.referenceNumber}`, { token: owner.accessToken })).body
          .status,
      ).toBe('Revoked');
    } finally {
      sandbox.control.configure({ tokenActivationDelayMs: 0 });
    }
    const r = await call(base, 'POST', '/auth/token/refresh', { token: refresh });
    expect(errorCode(r)).toBe(21301);
    expect(errorDetails(r)).toEqual(['Token KSeF został unieważniony.']);
  });
  it('a token whose author loses the permissions is revoked automatically', async () => {
    const office = randomNip();
    const officeSeal = selfSigned(ws, `office-${office}`, sealSubject(office));
    await call(base, 'POST', '/testdata/permissions', {
      json: {
        contextIdentifier: { type: 'Nip', value: nip },
        authorizedIdentifier: { type: 'Nip', value: office },
        permissions: [{ permissionType: 'InvoiceRead', description: 'Biuro rachunkowe' }],
      },
    });
    const officeSession = await loginWithSignature(base, ws, officeSeal, { type: 'Nip', value: nip });
    const t = await generate(['InvoiceRead'], 'Token biura rachunkowego', officeSession.accessToken);
    expect(t.status).toBe(202);
    await call(base, 'POST', '/testdata/permissions/revoke', {
      json: {
        contextIdentifier: { type: 'Nip', value: nip },
        authorizedIdentifier: { type: 'Nip', value: office },
      },
    });
    const after = await call(base, 'GET', `/tokens/${t.body.referenceNumber}`, { token: owner.accessToken });
    expect(after.body.status).toBe('Revoked');
  });
  it('a token cannot be generated in a NipVatUe context (26002) — reached only by fingerprint subjects', async () => {
    const foreign = selfSigned(ws, 'eu', '/C=DE/CN=EU Vertreter');
    const vatUe = `${nip}-DE123456789`;
    await call(base, 'POST', '/testdata/permissions', {
      json: {
        contextIdentifier: { type: 'Nip', value: nip },
        authorizedIdentifier: { type: 'Fingerprint', value: foreign.fingerprint },
        permissions: [{ permissionType: 'InvoiceRead', description: 'Podmiot unijny' }],
      },
    });
    const s = await loginWithSignature(
      base,
      ws,
      foreign,
      { type: 'NipVatUe', value: vatUe },
      { subjectType: 'certificateFingerprint' },
    );
    const r = await generate(['InvoiceRead'], 'Token podmiotu unijnego', s.accessToken);
    expect(errorCode(r)).toBe(26002);
  });
});

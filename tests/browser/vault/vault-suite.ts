/**
 * The vault's behaviour, written once against the `Vault` interface and run twice:
 *  - in Node on fake-indexeddb, against `VaultService` directly and through the RPC layer
 *    (tests/unit/vault/vault-suite.test.ts);
 *  - in headless Chromium on real IndexedDB, through `VaultClient` and the real shared key worker
 *    (tests/e2e/vault-behaviour.test.ts, bundle built from ./vault-page.ts).
 * A harness gives each case a fresh, empty vault, a "restart" (same database, new locked vault) and
 * raw IndexedDB access — what an attacker holding the profile on disk can do.
 */

import type { Vault } from '../../../pwa/vault/vault-api.ts';
import { readCsr } from '../../../shared/crypto/csr-reader.ts';
import type { KdfParams } from '../../../shared/crypto/kdf.ts';
import { createSelfSignedTestCertificate } from '../../../shared/crypto/test-certificate.ts';

export type RawStore = {
  get(table: string, key: string): Promise<Record<string, unknown> | undefined>;
  put(table: string, row: Record<string, unknown>): Promise<void>;
  delete(table: string, key: string): Promise<void>;
  all(table: string): Promise<Record<string, unknown>[]>;
};

export type VaultHarness = {
  readonly vault: Vault;
  /** Same database, a new vault instance: locked, nothing in memory (a browser restart). */
  restart(): Promise<Vault>;
  readonly raw: RawStore;
  readonly subtle: SubtleCrypto;
};

export type VaultCase = { readonly name: string; run(h: VaultHarness): Promise<void> };

/** The smallest parameters a stored keyring may have: keeps the suite fast; production uses 64 MiB. */
export const FAST_KDF: KdfParams = Object.freeze({
  alg: 'argon2id',
  version: 0x13,
  memoryKiB: 19 * 1024,
  iterations: 2,
  parallelism: 1,
});
export const PASSPHRASE = 'zielona żaba skacze przez płot';
export const OTHER_PASSPHRASE = 'wiosenny deszcz pada na dach stodoły';
export const BACKUP_PASSPHRASE = 'kopia zapasowa leży w szufladzie biurka';
export const NIP = '5265877635';
export const NIP2 = '1111111111';
/** A KSeF token as REFERENCE.md §3.8 shows its format. */
export const tokenSecret = (ref: string) => `${ref}|nip-${NIP}|${'0123456789abcdef'.repeat(4)}`;
export const REF = (n: number, type = 'EC') =>
  `20261125-${type}-${String(n).padStart(10, '0')}-1A2B3C4D5E-0${n % 10}`;

export const ENROLLMENT_DATA = Object.freeze({
  commonName: 'Zażółć Sp. z o.o.',
  organizationName: 'Zażółć',
  organizationIdentifier: `VATPL-${NIP}`,
  countryName: 'PL',
  uniqueIdentifier: 'a1b2c3',
});

export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}
export function equal<T>(actual: T, expected: T, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}
function must<T>(r: { ok: true; value: T } | { ok: false; error: unknown }, what: string): T {
  if (!r.ok) throw new Error(`${what}: ${JSON.stringify(r.error)}`);
  return r.value;
}
function refused(r: { ok: boolean; error?: { reason?: string } }, reason: string, what: string): void {
  check(!r.ok, `${what}: expected refusal ${reason}, got success`);
  equal(r.error?.reason, reason, what);
}

export async function newVault(v: Vault) {
  must(await v.create({ passphrase: PASSPHRASE, kdf: FAST_KDF }), 'create');
  const company = must(
    await v.addCompany({ name: 'Zażółć Sp. z o.o.', nip: NIP, environment: 'TEST' }),
    'company',
  );
  return company;
}

export async function generatedToken(v: Vault, companyId: string, n = 1) {
  const begun = must(
    await v.beginTokenGeneration({
      companyId,
      description: `Token ERP ${n}`,
      permissions: ['InvoiceRead', 'InvoiceWrite'],
    }),
    'begin',
  );
  const token = must(
    await v.recordTokenGenerated({
      pendingId: begun.pendingId,
      referenceNumber: REF(n),
      secret: tokenSecret(REF(n)),
    }),
    'generated',
  );
  return { begun, token };
}

/** A certificate "issued by KSeF" for the enrolled key: its SPKI, signed by a throwaway CA key. */
export async function issueFor(
  subtle: SubtleCrypto,
  spki: Uint8Array,
  alg: 'RSA-2048' | 'ECDSA-P256' = 'ECDSA-P256',
) {
  const params =
    alg === 'ECDSA-P256'
      ? { name: 'ECDSA', namedCurve: 'P-256' }
      : {
          name: 'RSASSA-PKCS1-v1_5',
          hash: 'SHA-256',
          modulusLength: 2048,
          publicExponent: new Uint8Array([1, 0, 1]),
        };
  const ca = (await subtle.generateKey(params, false, ['sign', 'verify'])) as CryptoKeyPair;
  const publicKey = await subtle.importKey('spki', new Uint8Array(spki), params, true, ['verify']);
  const der = await createSelfSignedTestCertificate(
    subtle,
    { kind: 'seal', nip: NIP, organizationName: 'Zażółć' },
    { privateKey: ca.privateKey, publicKey },
    { now: () => Date.now() },
  );
  check(der.ok, 'issued');
  return der.value;
}

export async function preparedEnrollment(v: Vault, companyId: string) {
  return must(
    await v.prepareEnrollment({
      companyId,
      certificateName: 'Certyfikat logowania',
      certificateType: 'Authentication',
      algorithm: 'ECDSA-P256',
      enrollmentData: ENROLLMENT_DATA,
    }),
    'prepare',
  );
}

export const VAULT_CASES: readonly VaultCase[] = [
  {
    name: 'creates the vault only with a strong passphrase and only once',
    async run({ vault }) {
      equal((await vault.status()).state, 'absent', 'no vault yet');
      refused(
        await vault.create({ passphrase: 'Password1234!', kdf: FAST_KDF }),
        'PASSPHRASE_TOO_WEAK',
        'weak passphrase',
      );
      equal((await vault.status()).state, 'absent', 'a refused create writes nothing');
      const s = must(await vault.create({ passphrase: PASSPHRASE, kdf: FAST_KDF }), 'create');
      equal(s.state, 'unlocked', 'unlocked after create');
      check(s.kdf?.belowRecommended === true, 'fast test parameters are flagged for rewrap');
      equal(s.idleMinutes, 15, 'default auto-lock 15 minutes');
      check(typeof s.lockAt === 'number' && s.lockAt > Date.now(), 'a lock deadline is set');
      refused(
        await vault.create({ passphrase: OTHER_PASSPHRASE, kdf: FAST_KDF }),
        'VAULT_EXISTS',
        'second create',
      );
    },
  },
  {
    name: 'a wrong passphrase is refused and changes nothing; the right one unlocks',
    async run({ vault, raw }) {
      await newVault(vault);
      await vault.lock('user');
      const before = await raw.get('meta', 'keyring');
      refused(await vault.unlock('zielona żaba skacze przez plot'), 'WRONG_PASSPHRASE', 'wrong passphrase');
      equal((await vault.status()).state, 'locked', 'still locked');
      equal(
        JSON.stringify(await raw.get('meta', 'keyring'), replacer),
        JSON.stringify(before, replacer),
        'keyring untouched',
      );
      equal(must(await vault.unlock(PASSPHRASE), 'unlock').state, 'unlocked', 'unlocked');
    },
  },
  {
    name: 'everything non-secret is readable while locked; writes and secrets need the unlocked vault',
    async run({ vault }) {
      const company = await newVault(vault);
      const { token } = await generatedToken(vault, company.id);
      await vault.lock('user');
      const s = await vault.status();
      equal(s.state, 'locked', 'locked');
      // In the browser the locked worker has closed and a new one answers; it knows no reason.
      check(s.lastLockReason === 'user' || s.lastLockReason === undefined, 'locked by the user');
      equal(
        (await vault.listCompanies()).map((c) => c.nip),
        [NIP],
        'companies while locked',
      );
      const tokens = await vault.listTokens(company.id);
      equal(
        tokens.map((t) => t.referenceNumber),
        [token.referenceNumber],
        'tokens while locked',
      );
      check(!JSON.stringify(tokens).includes('0123456789abcdef'), 'no secret in the list');
      check((await vault.pendingWork()).length === 1, 'pending work while locked');
      check((await vault.listActivity()).length >= 3, 'activity while locked');
      refused(
        await vault.addCompany({ name: 'Inna', nip: NIP2, environment: 'TEST' }),
        'VAULT_LOCKED',
        'write while locked',
      );
      refused(
        await vault.revealTokenSecret({ tokenId: token.id, passphrase: PASSPHRASE }),
        'VAULT_LOCKED',
        'reveal while locked',
      );
      refused(await vault.verifyActivity(), 'VAULT_LOCKED', 'verify while locked');
    },
  },
  {
    name: 'companies: NIP checksum, one NIP per environment, rename',
    async run({ vault }) {
      const company = await newVault(vault);
      refused(
        await vault.addCompany({ name: 'Zła', nip: '5265877636', environment: 'TEST' }),
        'NIP_CHECKSUM',
        'bad checksum',
      );
      refused(
        await vault.addCompany({ name: 'Druga', nip: '526-587-76-35', environment: 'TEST' }),
        'DUPLICATE',
        'same NIP and env',
      );
      const prd = must(
        await vault.addCompany({ name: 'Zażółć (PRD)', nip: '526-587-76-35', environment: 'PRD' }),
        'same NIP on PRD',
      );
      equal(prd.nip, NIP, 'normalized');
      refused(
        await vault.addCompany({ name: 'X', nip: NIP2, environment: 'PROD' as never }),
        'ENVIRONMENT_INVALID',
        'bad env',
      );
      must(await vault.renameCompany({ companyId: company.id, name: 'Zażółć Gęślą Sp. z o.o.' }), 'rename');
      equal(
        (await vault.listCompanies()).map((c) => c.name),
        ['Zażółć (PRD)', 'Zażółć Gęślą Sp. z o.o.'],
        'sorted by name',
      );
    },
  },
  {
    name: 'token write-ahead: the secret is stored in the same step that records the response, then activation closes it',
    async run({ vault }) {
      const company = await newVault(vault);
      const begun = must(
        await vault.beginTokenGeneration({
          companyId: company.id,
          description: 'Token ERP',
          permissions: ['InvoiceRead'],
        }),
        'begin',
      );
      check(
        /^Token ERP KW-[0-9a-f]{12}$/.test(begun.description),
        `nonce in the description: ${begun.description}`,
      );
      equal(
        (await vault.pendingWork()).map((p) => [p.kind, p.stage, p.nonce]),
        [['token', 'intent', begun.nonce]],
        'intent',
      );
      refused(
        await vault.recordTokenGenerated({ pendingId: begun.pendingId, referenceNumber: 'bad', secret: 'x' }),
        'BAD_REQUEST',
        'bad reference',
      );
      const token = must(
        await vault.recordTokenGenerated({
          pendingId: begun.pendingId,
          referenceNumber: REF(1),
          secret: tokenSecret(REF(1)),
        }),
        'generated',
      );
      equal([token.status, token.description], ['Pending', begun.description], 'token row');
      const again = must(
        await vault.recordTokenGenerated({
          pendingId: begun.pendingId,
          referenceNumber: REF(1),
          secret: tokenSecret(REF(1)),
        }),
        'recorded twice',
      );
      equal(again.id, token.id, 'a repeated record is idempotent');
      const p = await vault.pendingWork();
      equal(
        p.map((x) => [x.stage, x.referenceNumber, x.tokenId]),
        [['generated', REF(1), token.id]],
        'awaiting Active',
      );
      refused(
        await vault.setDefaultToken({ tokenId: token.id }),
        'WRONG_STAGE',
        'a Pending token cannot be default',
      );
      const active = must(
        await vault.completeTokenActivation({ pendingId: begun.pendingId, status: 'Active' }),
        'activate',
      );
      equal(active.status, 'Active', 'active');
      equal((await vault.pendingWork()).length, 0, 'pending closed');
      equal(must(await vault.setDefaultToken({ tokenId: token.id }), 'default').isDefault, 1, 'default');
      refused(
        await vault.revealTokenSecret({ tokenId: token.id, passphrase: OTHER_PASSPHRASE }),
        'WRONG_PASSPHRASE',
        'reveal needs the passphrase',
      );
      equal(
        must(await vault.revealTokenSecret({ tokenId: token.id, passphrase: PASSPHRASE }), 'reveal'),
        tokenSecret(REF(1)),
        'secret',
      );
      const kinds = (await vault.listActivity()).map((a) => a.kind);
      for (const k of ['token-requested', 'token-generated', 'token-activated', 'token-revealed'] as const) {
        check(kinds.includes(k), `activity has ${k}`);
      }
    },
  },
  {
    name: 'a token step interrupted by a restart resumes from what was stored, nothing lost',
    async run(h) {
      const company = await newVault(h.vault);
      const begun = must(
        await h.vault.beginTokenGeneration({
          companyId: company.id,
          description: 'Po awarii',
          permissions: ['InvoiceRead'],
        }),
        'begin',
      );
      let v = await h.restart();
      equal((await v.status()).state, 'locked', 'a restart starts locked');
      const intent = await v.pendingWork();
      equal(
        intent.map((p) => [p.stage, p.nonce, p.description]),
        [['intent', begun.nonce, begun.description]],
        'intent kept',
      );
      must(await v.unlock(PASSPHRASE), 'unlock');
      must(
        await v.recordTokenGenerated({
          pendingId: begun.pendingId,
          referenceNumber: REF(7),
          secret: tokenSecret(REF(7)),
        }),
        'gen',
      );
      v = await h.restart();
      must(await v.unlock(PASSPHRASE), 'unlock');
      const p = await v.pendingWork();
      equal(
        p.map((x) => [x.stage, x.referenceNumber]),
        [['generated', REF(7)]],
        'generated kept',
      );
      equal(
        must(await v.revealTokenSecret({ tokenId: p[0]!.tokenId!, passphrase: PASSPHRASE }), 'reveal'),
        tokenSecret(REF(7)),
        'secret kept',
      );
      must(
        await v.completeTokenActivation({ pendingId: begun.pendingId, status: 'Active' }),
        'resume to Active',
      );
      equal((await v.pendingWork()).length, 0, 'done');
    },
  },
  {
    name: 'enrollment write-ahead: the key is wrapped and stored with the CSR before it is sent; the issued certificate must carry that key',
    async run({ vault, subtle }) {
      const company = await newVault(vault);
      const prep = await preparedEnrollment(vault, company.id);
      check(
        /^Certyfikat logowania KW-[0-9a-f]{12}$/.test(prep.certificateName),
        'nonce in the certificate name',
      );
      const csr = await readCsr(subtle, prep.csr);
      check(csr.ok && csr.value.signatureValid, 'the CSR is signed by the new key');
      equal(
        csr.value.subject.map((a) => a.value),
        ['Zażółć Sp. z o.o.', 'Zażółć', `VATPL-${NIP}`, 'PL', 'a1b2c3'],
        'exactly the enrollment DN',
      );
      const [cert] = await vault.listCertificates(company.id);
      check(cert && cert.state === 'enrolling' && cert.hasPrivateKey, 'key stored before submission');
      equal(
        (await vault.pendingWork()).map((p) => [p.kind, p.stage, p.hasCsr]),
        [['enrollment', 'key-ready', true]],
        'pending',
      );
      must(
        await vault.recordEnrollmentSubmitted({ pendingId: prep.pendingId, referenceNumber: REF(3, 'EH') }),
        'submitted',
      );
      refused(
        await vault.completeEnrollment({
          pendingId: prep.pendingId,
          certificateDer: new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]),
        }),
        'NOT_A_CERTIFICATE',
        'not a certificate',
      );
      const other = (await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
        'sign',
      ])) as CryptoKeyPair;
      const otherSpki = new Uint8Array(await subtle.exportKey('spki', other.publicKey));
      refused(
        await vault.completeEnrollment({
          pendingId: prep.pendingId,
          certificateDer: await issueFor(subtle, otherSpki),
        }),
        'CERTIFICATE_MISMATCH',
        'certificate of a different key',
      );
      const done = must(
        await vault.completeEnrollment({
          pendingId: prep.pendingId,
          certificateDer: await issueFor(subtle, cert.publicKeySpki),
        }),
        'complete',
      );
      check(
        done.state === 'active' && /^[0-9A-F]{64}$/.test(done.fingerprint ?? '') && done.validTo,
        'active with metadata',
      );
      equal((await vault.pendingWork()).length, 0, 'pending closed');
      equal(
        must(await vault.setDefaultCertificate({ certificateId: done.id }), 'default').isDefault,
        1,
        'default certificate',
      );
    },
  },
  {
    name: 'an enrollment interrupted by a restart keeps its key, CSR and reference; a rejection drops the key',
    async run(h) {
      const company = await newVault(h.vault);
      const prep = await preparedEnrollment(h.vault, company.id);
      let v = await h.restart();
      const p1 = await v.pendingWork();
      equal(
        p1.map((p) => [p.stage, p.certificateId, p.certificateName]),
        [['key-ready', prep.certificateId, prep.certificateName]],
        'kept',
      );
      check((await v.listCertificates())[0]?.hasPrivateKey, 'key kept');
      must(await v.unlock(PASSPHRASE), 'unlock');
      must(
        await v.recordEnrollmentSubmitted({ pendingId: prep.pendingId, referenceNumber: REF(4, 'EH') }),
        'submitted',
      );
      v = await h.restart();
      equal(
        (await v.pendingWork()).map((p) => [p.stage, p.referenceNumber]),
        [['submitted', REF(4, 'EH')]],
        'reference kept',
      );
      must(await v.unlock(PASSPHRASE), 'unlock');
      const rejected = must(
        await v.failEnrollment({ pendingId: prep.pendingId, statusCode: 400 }),
        'rejected',
      );
      check(rejected.state === 'rejected' && !rejected.hasPrivateKey, 'rejected, key dropped');
      equal((await v.pendingWork()).length, 0, 'closed');
    },
  },
  {
    name: 'a ciphertext moved to another row does not open',
    async run({ vault, raw }) {
      const company = await newVault(vault);
      const a = await generatedToken(vault, company.id, 1);
      const b = await generatedToken(vault, company.id, 2);
      const rowA = await raw.get('tokens', a.token.id);
      const rowB = await raw.get('tokens', b.token.id);
      await raw.put('tokens', { ...rowB!, secret: rowA!.secret });
      refused(
        await vault.revealTokenSecret({ tokenId: b.token.id, passphrase: PASSPHRASE }),
        'SEALED_FIELD_DAMAGED',
        'moved secret',
      );
      equal(
        must(await vault.revealTokenSecret({ tokenId: a.token.id, passphrase: PASSPHRASE }), 'a'),
        tokenSecret(REF(1)),
        'original opens',
      );
    },
  },
  {
    name: 'the activity log is an HMAC chain: an edited or deleted row is reported as tampered',
    async run({ vault, raw }) {
      const company = await newVault(vault);
      await generatedToken(vault, company.id, 1);
      equal(must(await vault.verifyActivity(), 'verify').state, 'intact', 'intact');
      const rows = (await raw.all('activity')).sort((x, y) => Number(x.seq) - Number(y.seq));
      check(rows.length >= 4, 'entries written');
      const victim = rows[2]!;
      await raw.put('activity', { ...victim, kind: 'company-removed' });
      const edited = must(await vault.verifyActivity(), 'verify');
      equal([edited.state, edited.firstBadSeq], ['tampered', victim.seq], 'edited row');
      await raw.put('activity', victim);
      equal(must(await vault.verifyActivity(), 'verify').state, 'intact', 'restored');
      await raw.delete('activity', String(rows[rows.length - 1]!.id));
      equal(must(await vault.verifyActivity(), 'verify').state, 'tampered', 'deleted last row');
    },
  },
  {
    name: 'changing the passphrase rewraps only the data key: old passphrase fails, records still open',
    async run({ vault, raw }) {
      const company = await newVault(vault);
      const { token } = await generatedToken(vault, company.id);
      const sealedBefore = (await raw.get('tokens', token.id))!.secret;
      refused(
        await vault.changePassphrase({ current: OTHER_PASSPHRASE, next: BACKUP_PASSPHRASE }),
        'WRONG_PASSPHRASE',
        'current needed',
      );
      refused(
        await vault.changePassphrase({ current: PASSPHRASE, next: 'qwerty123' }),
        'PASSPHRASE_TOO_WEAK',
        'weak new one',
      );
      const s = must(await vault.changePassphrase({ current: PASSPHRASE, next: OTHER_PASSPHRASE }), 'change');
      equal(
        [s.kdf?.memoryKiB, s.kdf?.belowRecommended],
        [65536, false],
        'rewrapped at the recommended parameters',
      );
      equal(
        JSON.stringify((await raw.get('tokens', token.id))!.secret, replacer),
        JSON.stringify(sealedBefore, replacer),
        'records untouched',
      );
      await vault.lock('user');
      refused(await vault.unlock(PASSPHRASE), 'WRONG_PASSPHRASE', 'old passphrase');
      must(await vault.unlock(OTHER_PASSPHRASE), 'new passphrase');
      equal(
        must(await vault.revealTokenSecret({ tokenId: token.id, passphrase: OTHER_PASSPHRASE }), 'reveal'),
        tokenSecret(REF(1)),
        'opens',
      );
    },
  },
  {
    name: 're-key makes a new data key: every secret re-encrypted and still readable, the log still intact',
    async run({ vault, raw, subtle }) {
      const company = await newVault(vault);
      const { token } = await generatedToken(vault, company.id);
      const prep = await preparedEnrollment(vault, company.id);
      must(
        await vault.recordSession({
          companyId: company.id,
          referenceNumber: REF(9, 'AU'),
          method: 'ksef-token',
          refreshToken: 'eyJhbGciOiJIUzI1NiJ9.refresh.sig',
          refreshValidUntil: '2026-12-02T12:00:00Z',
        }),
        'session',
      );
      const before = (await raw.get('tokens', token.id))!.secret;
      refused(await vault.rekey(OTHER_PASSPHRASE), 'WRONG_PASSPHRASE', 'rekey needs the passphrase');
      must(await vault.rekey(PASSPHRASE), 'rekey');
      const after = (await raw.get('tokens', token.id))!.secret;
      check(
        JSON.stringify(after, replacer) !== JSON.stringify(before, replacer),
        'the secret was re-encrypted',
      );
      equal(
        must(await vault.revealTokenSecret({ tokenId: token.id, passphrase: PASSPHRASE }), 'reveal'),
        tokenSecret(REF(1)),
        'opens',
      );
      equal(must(await vault.verifyActivity(), 'verify').state, 'intact', 'log re-chained');
      await vault.lock('user');
      must(await vault.unlock(PASSPHRASE), 'unlock after rekey');
      must(
        await vault.recordEnrollmentSubmitted({ pendingId: prep.pendingId, referenceNumber: REF(5, 'EH') }),
        'submit',
      );
      const [cert] = await vault.listCertificates(company.id);
      must(
        await vault.completeEnrollment({
          pendingId: prep.pendingId,
          certificateDer: await issueFor(subtle, cert!.publicKeySpki),
        }),
        'the rewrapped key still matches',
      );
      const kinds = (await vault.listActivity()).map((a) => a.kind);
      check(kinds.includes('vault-rekeyed'), 'logged');
    },
  },
  {
    name: 'sessions keep the refresh token sealed and drop it when the session ends',
    async run({ vault, raw }) {
      const company = await newVault(vault);
      const s = must(
        await vault.recordSession({
          companyId: company.id,
          referenceNumber: REF(2, 'AU'),
          method: 'ksef-certificate',
          refreshToken: 'eyJhbGciOiJIUzI1NiJ9.marker-refresh.sig',
          accessValidUntil: '2026-11-25T12:15:00+00:00',
          refreshValidUntil: '2026-12-02T12:00:00Z',
          handedTo: 'https://erp.example.pl',
        }),
        'record',
      );
      check(s.hasRefreshToken && !JSON.stringify(s).includes('marker-refresh'), 'view without the token');
      check(
        !JSON.stringify(await raw.get('sessions', s.id), replacer).includes('marker-refresh'),
        'stored sealed',
      );
      refused(
        await vault.recordSession({
          companyId: company.id,
          referenceNumber: REF(2, 'AU'),
          method: 'ksef-token',
          handedTo: 'javascript:x',
        }),
        'BAD_REQUEST',
        'bad origin',
      );
      const ended = must(await vault.endSession({ sessionId: s.id, state: 'revoked' }), 'end');
      check(
        !ended.hasRefreshToken && (await raw.get('sessions', s.id))!.refreshToken === undefined,
        'token deleted',
      );
      const login = (await vault.listActivity()).find((a) => a.kind === 'login');
      equal(login?.actor, 'https://erp.example.pl', 'who: the ERP origin');
    },
  },
  {
    name: 'approvals need the passphrase, are per exact origin and company, and an edited approval is no approval',
    async run({ vault, raw }) {
      const company = await newVault(vault);
      refused(
        await vault.grantApproval({
          origin: 'https://erp.example.pl',
          companyId: company.id,
          allowRefresh: false,
          passphrase: OTHER_PASSPHRASE,
        }),
        'WRONG_PASSPHRASE',
        'passphrase',
      );
      refused(
        await vault.grantApproval({
          origin: 'https://erp.example.pl/path',
          companyId: company.id,
          allowRefresh: false,
          passphrase: PASSPHRASE,
        }),
        'BAD_REQUEST',
        'not an exact origin',
      );
      const a = must(
        await vault.grantApproval({
          origin: 'https://erp.example.pl',
          companyId: company.id,
          allowRefresh: false,
          passphrase: PASSPHRASE,
        }),
        'grant',
      );
      equal(
        must(await vault.checkApproval({ origin: 'https://erp.example.pl', companyId: company.id }), 'check'),
        { approved: true, allowRefresh: false },
        'approved',
      );
      equal(
        must(
          await vault.checkApproval({ origin: 'https://erp.example.pl:8443', companyId: company.id }),
          'other port',
        ),
        { approved: false, allowRefresh: false },
        'another port is another origin',
      );
      const row = await raw.get('approvals', a.id);
      await raw.put('approvals', { ...row!, allowRefresh: true });
      refused(
        await vault.checkApproval({ origin: 'https://erp.example.pl', companyId: company.id }),
        'TAMPERED',
        'edited on disk',
      );
      must(await vault.revokeApproval({ approvalId: a.id }), 'revoke');
      equal((await vault.listApprovals()).length, 0, 'revoked');
    },
  },
  {
    name: 'backup: export under its own passphrase, import into a new vault with a preview; approvals wait for confirmation',
    async run(h) {
      const { vault, subtle } = h;
      const company = await newVault(vault);
      const { begun, token } = await generatedToken(vault, company.id);
      must(await vault.completeTokenActivation({ pendingId: begun.pendingId, status: 'Active' }), 'active');
      const prep = await preparedEnrollment(vault, company.id);
      must(
        await vault.recordEnrollmentSubmitted({ pendingId: prep.pendingId, referenceNumber: REF(6, 'EH') }),
        'submit',
      );
      const [c0] = await vault.listCertificates(company.id);
      const cert = must(
        await vault.completeEnrollment({
          pendingId: prep.pendingId,
          certificateDer: await issueFor(subtle, c0!.publicKeySpki),
        }),
        'cert',
      );
      must(
        await vault.grantApproval({
          origin: 'https://erp.example.pl',
          companyId: company.id,
          allowRefresh: true,
          passphrase: PASSPHRASE,
        }),
        'approval',
      );
      refused(
        await vault.exportBackup({
          passphrase: OTHER_PASSPHRASE,
          backupPassphrase: BACKUP_PASSPHRASE,
          kdf: FAST_KDF,
        }),
        'WRONG_PASSPHRASE',
        'export needs the vault passphrase',
      );
      refused(
        await vault.exportBackup({ passphrase: PASSPHRASE, backupPassphrase: 'abc12345', kdf: FAST_KDF }),
        'PASSPHRASE_TOO_WEAK',
        'weak backup passphrase',
      );
      const exported = must(
        await vault.exportBackup({
          passphrase: PASSPHRASE,
          backupPassphrase: BACKUP_PASSPHRASE,
          kdf: FAST_KDF,
        }),
        'export',
      );
      equal(
        [exported.companies, exported.tokens, exported.certificates, exported.keysExcluded],
        [1, 1, 1, 0],
        'counts',
      );
      check(/^ksef-wallet-backup-\d{4}-\d{2}-\d{2}\.ksefwallet$/.test(exported.fileName), 'file name');
      const text = new TextDecoder('latin1').decode(exported.file);
      check(!text.includes('0123456789abcdef') && !text.includes(NIP), 'no secret and no NIP in clear');

      // A brand-new vault (another browser): wipe this one and start over.
      for (const t of [
        'companies',
        'certificates',
        'tokens',
        'approvals',
        'activity',
        'meta',
        'sessions',
        'pending',
      ]) {
        for (const r of await h.raw.all(t)) await h.raw.delete(t, String(r.id ?? r.key));
      }
      const fresh = await h.restart();
      must(await fresh.create({ passphrase: OTHER_PASSPHRASE, kdf: FAST_KDF }), 'new vault');
      refused(
        await fresh.previewBackup({ file: exported.file, backupPassphrase: PASSPHRASE }),
        'WRONG_PASSPHRASE',
        'backup passphrase',
      );
      const preview = must(
        await fresh.previewBackup({ file: exported.file, backupPassphrase: BACKUP_PASSPHRASE }),
        'preview',
      );
      equal(preview.counts, { add: 4, same: 0, update: 0, 'keep-newer-in-vault': 0 }, 'preview counts');
      equal(
        preview.items.map((i) => i.table).sort(),
        ['approvals', 'certificates', 'companies', 'tokens'],
        'preview items',
      );
      equal((await fresh.listCompanies()).length, 0, 'a preview writes nothing');
      const report = must(
        await fresh.importBackup({ file: exported.file, backupPassphrase: BACKUP_PASSPHRASE }),
        'import',
      );
      equal([report.added, report.approvalsToConfirm], [4, 1], 'report');
      equal(
        (await fresh.listCompanies()).map((c) => c.nip),
        [NIP],
        'company restored',
      );
      equal(
        must(await fresh.revealTokenSecret({ tokenId: token.id, passphrase: OTHER_PASSPHRASE }), 'reveal'),
        tokenSecret(REF(1)),
        'token secret restored under the new vault',
      );
      const [restored] = await fresh.listCertificates();
      check(restored?.hasPrivateKey && restored.fingerprint === cert.fingerprint, 'certificate with its key');
      const [approval] = await fresh.listApprovals();
      equal(approval?.state, 'needs-confirmation', 'approval waits');
      equal(
        must(
          await fresh.checkApproval({ origin: 'https://erp.example.pl', companyId: restored!.companyId }),
          'check',
        ).approved,
        false,
        'not yet',
      );
      must(
        await fresh.confirmApproval({ approvalId: approval!.id, passphrase: OTHER_PASSPHRASE }),
        'confirm',
      );
      equal(
        must(
          await fresh.checkApproval({ origin: 'https://erp.example.pl', companyId: restored!.companyId }),
          'check',
        ).approved,
        true,
        'now',
      );
      const again = must(
        await fresh.previewBackup({ file: exported.file, backupPassphrase: BACKUP_PASSPHRASE }),
        'preview again',
      );
      equal(again.counts.add, 0, 'importing twice adds nothing');
    },
  },
  {
    name: 'backup merge never overwrites a newer record silently, and excluded keys stay out',
    async run({ vault, subtle }) {
      const company = await newVault(vault);
      const other = must(
        await vault.addCompany({ name: 'Druga firma', nip: NIP2, environment: 'TEST' }),
        'second',
      );
      const prep = await preparedEnrollment(vault, company.id);
      must(
        await vault.recordEnrollmentSubmitted({ pendingId: prep.pendingId, referenceNumber: REF(8, 'EH') }),
        'submit',
      );
      const [c0] = await vault.listCertificates(company.id);
      const cert = must(
        await vault.completeEnrollment({
          pendingId: prep.pendingId,
          certificateDer: await issueFor(subtle, c0!.publicKeySpki),
        }),
        'cert',
      );
      must(
        await vault.setCertificateExcludedFromBackup({ certificateId: cert.id, excluded: true }),
        'exclude',
      );
      const one = must(
        await vault.exportBackup({
          passphrase: PASSPHRASE,
          backupPassphrase: BACKUP_PASSPHRASE,
          companyId: company.id,
          kdf: FAST_KDF,
        }),
        'export one company',
      );
      equal([one.companies, one.keysExcluded], [1, 1], 'one company, key excluded');
      check(one.fileName.includes(NIP), 'the file name names the company');
      // The vault's copy becomes newer than the backup's.
      await new Promise((r) => setTimeout(r, 5));
      must(await vault.renameCompany({ companyId: company.id, name: 'Nowsza nazwa' }), 'rename after export');
      const preview = must(
        await vault.previewBackup({ file: one.file, backupPassphrase: BACKUP_PASSPHRASE }),
        'preview',
      );
      const companyItem = preview.items.find((i) => i.table === 'companies');
      equal(companyItem?.action, 'keep-newer-in-vault', 'the newer vault record is kept');
      const report = must(
        await vault.importBackup({ file: one.file, backupPassphrase: BACKUP_PASSPHRASE }),
        'import',
      );
      check(report.keptNewer >= 1, 'kept newer counted');
      equal(
        (await vault.listCompanies()).find((c) => c.id === company.id)?.name,
        'Nowsza nazwa',
        'not overwritten',
      );
      must(
        await vault.importBackup({
          file: one.file,
          backupPassphrase: BACKUP_PASSPHRASE,
          replaceNewer: [companyItem!.id],
        }),
        'explicit replace',
      );
      equal(
        (await vault.listCompanies()).find((c) => c.id === company.id)?.name,
        'Zażółć Sp. z o.o.',
        'replaced when asked',
      );
      equal((await vault.listCompanies()).length, 2, 'the other company untouched');
      check(
        (await vault.listCompanies()).some((c) => c.id === other.id),
        'still there',
      );
    },
  },
  {
    name: 'a corrupted, truncated, foreign or newer-version backup is refused and the vault is untouched',
    async run({ vault, raw }) {
      const company = await newVault(vault);
      await generatedToken(vault, company.id);
      const exported = must(
        await vault.exportBackup({
          passphrase: PASSPHRASE,
          backupPassphrase: BACKUP_PASSPHRASE,
          kdf: FAST_KDF,
        }),
        'export',
      );
      const f = exported.file;
      const snapshot = async () =>
        JSON.stringify(
          await Promise.all(
            ['companies', 'tokens', 'certificates', 'approvals', 'activity'].map((t) => raw.all(t)),
          ),
          replacer,
        );
      const before = await snapshot();
      const flipped = new Uint8Array(f);
      flipped[f.length - 20] = (flipped[f.length - 20] ?? 0) ^ 1;
      const newer = new Uint8Array(f);
      newer[8] = 9;
      const cases: [Uint8Array, string][] = [
        [flipped, 'BACKUP_CORRUPTED'],
        [f.subarray(0, f.length - 100), 'BACKUP_TRUNCATED'],
        [f.subarray(0, 50), 'BACKUP_TRUNCATED'],
        [new TextEncoder().encode('{"companies":[]}'), 'BACKUP_FOREIGN'],
        [newer, 'BACKUP_NEWER_VERSION'],
      ];
      for (const [file, reason] of cases) {
        refused(
          await vault.previewBackup({ file, backupPassphrase: BACKUP_PASSPHRASE }),
          reason,
          `preview ${reason}`,
        );
        refused(
          await vault.importBackup({ file, backupPassphrase: BACKUP_PASSPHRASE }),
          reason,
          `import ${reason}`,
        );
      }
      refused(
        await vault.importBackup({ file: f, backupPassphrase: OTHER_PASSPHRASE }),
        'WRONG_PASSPHRASE',
        'wrong passphrase',
      );
      equal(await snapshot(), before, 'nothing written');
    },
  },
];

/** JSON of rows with Uint8Array values (for comparing snapshots). */
export function replacer(_k: string, v: unknown): unknown {
  if (v instanceof Uint8Array) return `bytes:${Array.from(v).join(',')}`;
  if (
    v &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    Object.keys(v).every((k) => /^\d+$/.test(k)) &&
    Object.keys(v).length > 0
  ) {
    return `bytes:${Object.values(v as Record<string, number>).join(',')}`;
  }
  return v;
}

/** Raw IndexedDB access to the vault's database (no Dexie, no schema): what a profile thief has. */
export function rawStore(factory: IDBFactory, name: string): RawStore {
  const open = () =>
    new Promise<IDBDatabase>((resolve, reject) => {
      const req = factory.open(name);
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  const run = async <T>(
    table: string,
    mode: IDBTransactionMode,
    op: (s: IDBObjectStore) => IDBRequest,
  ): Promise<T> => {
    const db = await open();
    try {
      return await new Promise<T>((resolve, reject) => {
        const tx = db.transaction(table, mode);
        const req = op(tx.objectStore(table));
        tx.oncomplete = () => resolve(req.result as T);
        tx.onerror = () => reject(tx.error);
      });
    } finally {
      db.close();
    }
  };
  return {
    get: (t, k) => run(t, 'readonly', (s) => s.get(k)),
    put: async (t, row) => {
      await run(t, 'readwrite', (s) => s.put(row));
    },
    delete: async (t, k) => {
      await run(t, 'readwrite', (s) => s.delete(k));
    },
    all: (t) => run(t, 'readonly', (s) => s.getAll()),
  };
}

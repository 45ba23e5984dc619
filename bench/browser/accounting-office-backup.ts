/**
 * An accounting office's vault as a backup file (shared/crypto/FORMAT.md §5, payload shape of
 * pwa/vault/backup-payload.ts): N client companies, each with KSeF tokens and KSeF certificates.
 * The bench imports it through the vault's own `importBackup` — the way an office moves its vault
 * to a new browser — so that every row the open-and-list figure reads was written by the product
 * (token secrets sealed and private keys rewrapped under the vault's record key, in one
 * transaction). Building the same vault with 16,000 single calls (a company, then three write-ahead
 * steps per token) would spend minutes on fsyncs that the figure does not measure.
 *
 * Everything secret is made with the crypto core: a real backup key from a passphrase (Argon2id),
 * one real non-extractable P-256 key per certificate, wrapped under the backup key with the
 * documented associated data, and a real certificate for that key (self-signed, the TEST shape).
 * Token secrets have KSeF's shape but are random.
 */

import { BACKUP_PAYLOAD, type BackupPayload, parseBackupPayload } from '../../pwa/vault/backup-payload.ts';
import {
  type BackupKey,
  createBackupKey,
  createSelfSignedTestCertificate,
  generateSigningKey,
  type KdfParams,
  readCertificate,
  sealBackup,
  toBase64,
  toHexUpper,
} from '../../shared/crypto/index.ts';
import { isValidNip, nipChecksumDigit } from '../../shared/domain/nip.ts';

export type AccountingOfficeSpec = {
  readonly companies: number;
  readonly tokens: number;
  readonly certificates: number;
  readonly backupPassphrase: string;
  readonly kdf?: KdfParams;
};

export type BuiltBackup = {
  readonly file: Uint8Array;
  readonly counts: { readonly companies: number; readonly tokens: number; readonly certificates: number };
};

type Deps = { readonly subtle: SubtleCrypto; random(n: number): Uint8Array };

const hex = (bytes: Uint8Array) => toHexUpper(bytes);
const utf8 = (s: string) => new TextEncoder().encode(s);

function uuid(random: Deps['random']): string {
  const b = random(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function* nips(): Generator<string> {
  for (let i = 0; ; i++) {
    const nine = String(520_000_000 + ((i * 104_729) % 479_000_000));
    const nip = `${nine}${nipChecksumDigit(nine) ?? ''}`;
    if (isValidNip(nip)) yield nip;
  }
}

/** FORMAT.md §5: a key in a backup is wrapped under the backup key with this associated data. */
const backupKeyAad = (key: BackupKey, certificateId: string) =>
  utf8(`ksef-wallet-backup/1/${hex(key.salt)}/certificates/${certificateId}/private-key`);

function must<T>(what: string, r: { ok: true; value: T } | { ok: false; error: { code: string } }): T {
  if (!r.ok) throw new Error(`accounting-office backup: ${what} failed (${r.error.code})`);
  return r.value;
}

export async function buildAccountingOfficeBackup(
  deps: Deps,
  spec: AccountingOfficeSpec,
): Promise<BuiltBackup> {
  const key = must('backup key', await createBackupKey(deps, spec.backupPassphrase, spec.kdf));
  const now = Date.now();
  const clock = { now: () => now };
  const nip = nips();
  const companies: BackupPayload['companies'] = [];
  for (let i = 0; i < spec.companies; i++) {
    companies.push({
      id: uuid(deps.random),
      name: `Klient ${String(i + 1).padStart(4, '0')} Sp. z o.o.`,
      nip: nip.next().value as string,
      environment: i % 10 === 0 ? 'TEST' : 'PRD',
      createdAt: now - 86_400_000,
      updatedAt: now - 86_400_000,
    });
  }
  const companyOf = (k: number) => companies[k % companies.length]!;

  const tokens: BackupPayload['tokens'] = [];
  for (let k = 0; k < spec.tokens; k++) {
    const c = companyOf(k);
    const ref = `20251201-EC-${hex(deps.random(5))}-${hex(deps.random(5))}-${hex(deps.random(1))}`;
    tokens.push({
      id: uuid(deps.random),
      companyId: c.id,
      referenceNumber: ref,
      description: `Token ERP ${k + 1} KW-${hex(deps.random(6)).toLowerCase()}`,
      permissions: ['InvoiceRead', 'InvoiceWrite'],
      status: 'Active',
      secret: `${ref}|nip-${c.nip}|${hex(deps.random(32)).toLowerCase()}`,
      isDefault: k < companies.length ? 1 : 0,
      createdAt: now - 3_600_000 + k,
      updatedAt: now - 3_600_000 + k,
    });
  }

  const certificates: BackupPayload['certificates'] = [];
  for (let k = 0; k < spec.certificates; k++) {
    const c = companyOf(k);
    const id = uuid(deps.random);
    const generated = must(
      'key generation',
      await generateSigningKey(deps.subtle, 'ECDSA-P256', key.key, backupKeyAad(key, id), deps.random),
    );
    const der = must(
      'certificate',
      await createSelfSignedTestCertificate(
        deps.subtle,
        { kind: 'seal', nip: c.nip, organizationName: c.name },
        generated,
        clock,
        deps.random,
      ),
    );
    const info = must('certificate reading', await readCertificate(deps.subtle, der));
    certificates.push({
      id,
      companyId: c.id,
      name: `Certyfikat ${k + 1} KW-${hex(deps.random(6)).toLowerCase()}`,
      certificateType: 'Authentication',
      algorithm: 'ECDSA-P256',
      state: 'active',
      serialNumber: info.serialHex,
      fingerprint: info.fingerprintSha256,
      subject: info.subjectName,
      validFrom: new Date(info.notBeforeMs).toISOString(),
      validTo: new Date(info.notAfterMs).toISOString(),
      certificateDer: toBase64(der),
      publicKeySpki: toBase64(generated.spki),
      wrappedKey: {
        v: 1,
        alg: generated.wrapped.alg,
        iv: toBase64(generated.wrapped.iv),
        wrapped: toBase64(generated.wrapped.wrapped),
      },
      excludeFromBackup: 0,
      isDefault: k < companies.length ? 1 : 0,
      createdAt: now - 7_200_000 + k,
      updatedAt: now - 7_200_000 + k,
    });
  }

  const payload: BackupPayload = {
    format: BACKUP_PAYLOAD.FORMAT,
    v: BACKUP_PAYLOAD.VERSION,
    exportedAt: now,
    sourceVaultId: uuid(deps.random),
    scope: 'all',
    companies,
    certificates,
    tokens,
    approvals: [],
  };
  const json = JSON.stringify(payload);
  // The product's own reader: a shape slip here fails the bench setup, not the measurement.
  const checked = parseBackupPayload(json);
  if (!checked.ok) throw new Error(`accounting-office backup: payload refused (${checked.detail})`);
  const file = must('sealing', await sealBackup(deps, key, utf8(json)));
  return {
    file,
    counts: { companies: companies.length, tokens: tokens.length, certificates: certificates.length },
  };
}

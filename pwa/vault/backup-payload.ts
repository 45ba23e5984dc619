/**
 * What is inside a backup's ciphertext (shared/crypto/FORMAT.md §5): UTF-8 JSON, strictly
 * validated on import — a record with an unknown field, a wrong type or an out-of-range value
 * rejects the whole file before anything is written. Binary values are standard Base64.
 *
 * Exported: companies, certificates (with the key still wrapped, now under the backup key, unless
 * "exclude from backup" is set), tokens with their secrets, approvals (re-confirmed on import).
 * Not exported: sessions (refresh tokens live ≤ 7 days and belong to this device), pending
 * operations (they resume here), the activity log (it is this vault's own history).
 */
import * as v from 'valibot';
import { UUID_PATTERN } from '../../shared/crypto/sealed-field.ts';
import { isValidNip } from '../../shared/domain/nip.ts';
import { isEnvironmentId } from '../../shared/ksef/environments.ts';
import type { EnvironmentId } from '../../shared/ksef/transport-types.ts';
import {
  CERTIFICATE_NAME,
  isExactOrigin,
  REFERENCE_NUMBER,
  SERIAL_NUMBER,
  TOKEN_SECRET_MAX,
} from './ksef-values.ts';
import { CERTIFICATE_STATES, CERTIFICATE_TYPES, TOKEN_PERMISSIONS, TOKEN_STATUSES } from './records.ts';

export const BACKUP_PAYLOAD = Object.freeze({
  FORMAT: 'ksef-wallet-backup-payload',
  VERSION: 1,
  MAX_RECORDS: 10_000,
});

const uuid = v.pipe(v.string(), v.regex(UUID_PATTERN));
const time = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(8.64e15));
const b64 = (max: number) => v.pipe(v.string(), v.maxLength(max), v.regex(/^[A-Za-z0-9+/]*={0,2}$/));
const flag = v.picklist([0, 1]);
const env = v.custom<EnvironmentId>((x) => isEnvironmentId(x), 'environment');
const iso = v.pipe(v.string(), v.maxLength(40));

export const BackupCompany = v.strictObject({
  id: uuid,
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  nip: v.pipe(
    v.string(),
    v.check((x) => isValidNip(x), 'NIP'),
  ),
  environment: env,
  createdAt: time,
  updatedAt: time,
});

export const BackupCertificate = v.strictObject({
  id: uuid,
  companyId: uuid,
  name: v.pipe(v.string(), v.minLength(5), v.maxLength(100), v.regex(CERTIFICATE_NAME)),
  certificateType: v.picklist(CERTIFICATE_TYPES),
  algorithm: v.picklist(['RSA-2048', 'ECDSA-P256']),
  state: v.picklist(CERTIFICATE_STATES),
  enrollmentReference: v.optional(v.pipe(v.string(), v.regex(REFERENCE_NUMBER))),
  serialNumber: v.optional(v.pipe(v.string(), v.regex(SERIAL_NUMBER))),
  fingerprint: v.optional(v.pipe(v.string(), v.regex(/^[0-9A-F]{64}$/))),
  subject: v.optional(v.pipe(v.string(), v.maxLength(2000))),
  validFrom: v.optional(iso),
  validTo: v.optional(iso),
  certificateDer: v.optional(b64(64 * 1024)),
  publicKeySpki: b64(4096),
  wrappedKey: v.optional(
    v.strictObject({
      v: v.literal(1),
      alg: v.picklist(['RSA-2048', 'ECDSA-P256']),
      iv: b64(16),
      wrapped: b64(8192),
    }),
  ),
  excludeFromBackup: flag,
  isDefault: flag,
  createdAt: time,
  updatedAt: time,
});

export const BackupToken = v.strictObject({
  id: uuid,
  companyId: uuid,
  referenceNumber: v.pipe(v.string(), v.regex(REFERENCE_NUMBER)),
  description: v.pipe(v.string(), v.minLength(1), v.maxLength(256)),
  permissions: v.pipe(v.array(v.picklist(TOKEN_PERMISSIONS)), v.maxLength(TOKEN_PERMISSIONS.length)),
  status: v.picklist(TOKEN_STATUSES),
  secret: v.pipe(v.string(), v.minLength(1), v.maxLength(TOKEN_SECRET_MAX), v.regex(/^[\x21-\x7e]+$/)),
  isDefault: flag,
  createdAt: time,
  updatedAt: time,
});

export const BackupApproval = v.strictObject({
  id: uuid,
  origin: v.pipe(
    v.string(),
    v.check((x) => isExactOrigin(x), 'origin'),
  ),
  companyId: uuid,
  environment: env,
  allowRefresh: v.boolean(),
  grantedAt: time,
  updatedAt: time,
});

const records = <T extends v.GenericSchema>(item: T) =>
  v.pipe(v.array(item), v.maxLength(BACKUP_PAYLOAD.MAX_RECORDS));

export const BackupPayloadSchema = v.strictObject({
  format: v.literal(BACKUP_PAYLOAD.FORMAT),
  v: v.literal(BACKUP_PAYLOAD.VERSION),
  exportedAt: time,
  sourceVaultId: uuid,
  scope: v.union([v.literal('all'), uuid]),
  companies: records(BackupCompany),
  certificates: records(BackupCertificate),
  tokens: records(BackupToken),
  approvals: records(BackupApproval),
});

export type BackupPayload = v.InferOutput<typeof BackupPayloadSchema>;
export type BackupCertificateRecord = v.InferOutput<typeof BackupCertificate>;

export function parseBackupPayload(
  json: string,
): { ok: true; value: BackupPayload } | { ok: false; detail: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { ok: false, detail: 'not JSON' };
  }
  const r = v.safeParse(BackupPayloadSchema, raw);
  if (!r.success) {
    const path = r.issues[0]?.path?.map((p) => String(p.key)).join('.') ?? '';
    return { ok: false, detail: `invalid at ${path || 'top level'}` };
  }
  // Every child must belong to a company in the same file.
  const ids = new Set(r.output.companies.map((c) => c.id));
  const orphan = [...r.output.certificates, ...r.output.tokens, ...r.output.approvals].find(
    (x) => !ids.has(x.companyId),
  );
  if (orphan) return { ok: false, detail: 'a record without its company' };
  return { ok: true, value: r.output };
}

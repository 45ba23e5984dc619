/**
 * KSeF certificates and the enrollment write-ahead (SECURITY.md T12, ARCHITECTURE.md "Private
 * keys"). An enrollment counts against the NIP's limit, so:
 *   1. prepareEnrollment — the key pair is generated here (in the key worker), wrapped under the
 *      record key at once, and stored with a pending row and the sealed CSR in ONE transaction,
 *      before the CSR leaves the vault; the certificate name ends with the intent nonce;
 *   2. the flow sends POST /certificates/enrollments; recordEnrollmentSubmitted stores the
 *      reference number;
 *   3. the flow polls and retrieves; completeEnrollment checks that the issued certificate carries
 *      exactly the stored public key, then closes the pending row.
 * A crash after 1 leaves the key and the CSR (re-send it, or find the certificate at KSeF by the
 * nonce in its name); after 2 polling resumes from the stored reference.
 */
import type { EnrollmentData } from '../../shared/crypto/csr.ts';
import { bytesEqual } from '../../shared/crypto/encoding.ts';
import { generateSigningKey, type SigningAlgorithm, unwrapSigningKey } from '../../shared/crypto/keys.ts';
import { openField, recordAad, sealField } from '../../shared/crypto/sealed-field.ts';
import { ok } from '../../shared/result.ts';
import { findCompany } from './companies.ts';
import { asVaultError, type VaultResult, vaultError, vfail } from './errors.ts';
import { CERTIFICATE_NAME, CERTIFICATE_NAME_LENGTH, intentSuffix, isReferenceNumber } from './ksef-values.ts';
import { CERTIFICATE_TYPES, type CertificateRow, type CompanyRow, type PendingRow } from './records.ts';
import type {
  CertificateView,
  PendingView,
  PreparedEnrollment,
  PrepareEnrollmentInput,
} from './vault-api.ts';
import { AbortWrite, commit, newNonce, newUuid, type Unlocked, type VaultContext } from './vault-context.ts';
import { bindingOf, certificateView, pendingView } from './views.ts';

const ALGORITHMS: readonly SigningAlgorithm[] = ['RSA-2048', 'ECDSA-P256'];

export async function listCertificates(ctx: VaultContext, companyId?: string): Promise<CertificateView[]> {
  const rows = companyId
    ? await ctx.db.certificates.where('companyId').equals(companyId).toArray()
    : await ctx.db.certificates.toArray();
  return rows.sort((a, b) => b.createdAt - a.createdAt).map(certificateView);
}

async function findCertificate(ctx: VaultContext, id: unknown): Promise<VaultResult<CertificateRow>> {
  if (typeof id !== 'string') return vfail('BAD_REQUEST', 'certificateId');
  const c = await ctx.db.certificates.get(id);
  return c ? ok(c) : vfail('NOT_FOUND', 'certificate');
}

async function findEnrollment(ctx: VaultContext, pendingId: unknown): Promise<VaultResult<PendingRow>> {
  if (typeof pendingId !== 'string') return vfail('BAD_REQUEST', 'pendingId');
  const p = await ctx.db.pending.get(pendingId);
  return p && p.kind === 'enrollment' && p.certificateId ? ok(p) : vfail('NOT_FOUND', 'pending');
}

const keyAad = (vaultId: string, certificateId: string, company: CompanyRow) =>
  recordAad(bindingOf(vaultId, 'certificates', certificateId, 'private-key', company));

export async function prepareEnrollment(
  ctx: VaultContext,
  u: Unlocked,
  input: PrepareEnrollmentInput,
): Promise<VaultResult<PreparedEnrollment>> {
  const company = await findCompany(ctx, input.companyId);
  if (!company.ok) return company;
  if (!(CERTIFICATE_TYPES as readonly string[]).includes(input.certificateType))
    return vfail('BAD_REQUEST', 'certificateType');
  if (!ALGORITHMS.includes(input.algorithm)) return vfail('BAD_REQUEST', 'algorithm');
  const nonce = newNonce(ctx.platform);
  const base =
    typeof input.certificateName === 'string' ? input.certificateName.trim().replace(/\s+/g, ' ') : '';
  const certificateName = `${base}${intentSuffix(nonce)}`;
  if (
    base.length === 0 ||
    certificateName.length < CERTIFICATE_NAME_LENGTH.MIN ||
    certificateName.length > CERTIFICATE_NAME_LENGTH.MAX ||
    !CERTIFICATE_NAME.test(certificateName)
  ) {
    return vfail('BAD_REQUEST', 'certificateName');
  }
  const certificateId = newUuid(ctx.platform);
  const aad = keyAad(u.keys.vaultId, certificateId, company.value);
  if (!aad.ok) return { ok: false, error: asVaultError(aad.error) };
  const key = await generateSigningKey(
    ctx.platform.subtle,
    input.algorithm,
    u.keys.recordKey,
    aad.value,
    ctx.platform.random,
  );
  if (!key.ok) return { ok: false, error: asVaultError(key.error) };
  // ASN.1 (asn1js, pkijs) loads when a certificate is enrolled or stored, not with the vault.
  const { buildCsr } = await import('../../shared/crypto/csr.ts');
  const csr = await buildCsr(ctx.platform.subtle, input.enrollmentData as EnrollmentData, key.value);
  if (!csr.ok) return { ok: false, error: asVaultError(csr.error) };
  const pendingId = newUuid(ctx.platform);
  const sealedCsr = await sealField(
    ctx.platform.subtle,
    u.keys.recordKey,
    bindingOf(u.keys.vaultId, 'pending', pendingId, 'csr', company.value),
    csr.value,
    ctx.platform.random,
  );
  if (!sealedCsr.ok) return { ok: false, error: asVaultError(sealedCsr.error) };
  const now = ctx.platform.clock.now();
  const certificate: CertificateRow = {
    id: certificateId,
    companyId: company.value.id,
    name: certificateName,
    certificateType: input.certificateType,
    algorithm: input.algorithm,
    state: 'enrolling',
    publicKeySpki: key.value.spki,
    wrappedKey: key.value.wrapped,
    excludeFromBackup: 0,
    isDefault: 0,
    createdAt: now,
    updatedAt: now,
  };
  const pending: PendingRow = {
    id: pendingId,
    kind: 'enrollment',
    stage: 'key-ready',
    companyId: company.value.id,
    nonce,
    certificateId,
    certificateName,
    certificateType: input.certificateType,
    csr: sealedCsr.value,
    createdAt: now,
    updatedAt: now,
  };
  const written = await commit(ctx, u, {
    tables: ['certificates', 'pending'],
    log: [
      {
        kind: 'enrollment-prepared',
        companyId: company.value.id,
        detail: { nonce, certificateType: input.certificateType, algorithm: input.algorithm },
      },
    ],
    write: async () => {
      await ctx.db.certificates.add(certificate);
      await ctx.db.pending.add(pending);
    },
  });
  if (!written.ok) return written;
  return ok({
    pendingId,
    certificateId,
    certificateName,
    certificateType: input.certificateType,
    csr: csr.value,
  });
}

/** The stored CSR of an enrollment whose submission may have been lost (to send it again). */
export async function storedEnrollmentCsr(
  ctx: VaultContext,
  u: Unlocked,
  pendingId: string,
): Promise<VaultResult<Uint8Array>> {
  const p = await findEnrollment(ctx, pendingId);
  if (!p.ok) return p;
  const company = await findCompany(ctx, p.value.companyId);
  if (!company.ok) return company;
  if (!p.value.csr) return vfail('NOT_FOUND', 'csr');
  const r = await openField(
    ctx.platform.subtle,
    u.keys.recordKey,
    bindingOf(u.keys.vaultId, 'pending', p.value.id, 'csr', company.value),
    p.value.csr,
  );
  return r.ok ? r : { ok: false, error: asVaultError(r.error) };
}

export async function recordEnrollmentSubmitted(
  ctx: VaultContext,
  u: Unlocked,
  input: { pendingId: string; referenceNumber: string },
): Promise<VaultResult<PendingView>> {
  const p = await findEnrollment(ctx, input.pendingId);
  if (!p.ok) return p;
  if (!isReferenceNumber(input.referenceNumber)) return vfail('BAD_REQUEST', 'referenceNumber');
  if (p.value.stage === 'submitted' && p.value.referenceNumber === input.referenceNumber)
    return ok(pendingView(p.value));
  if (p.value.stage !== 'key-ready') return vfail('WRONG_STAGE', p.value.stage);
  const now = ctx.platform.clock.now();
  return commit(ctx, u, {
    tables: ['certificates', 'pending'],
    log: [
      {
        kind: 'enrollment-submitted',
        companyId: p.value.companyId,
        detail: { referenceNumber: input.referenceNumber, nonce: p.value.nonce },
      },
    ],
    write: async () => {
      const current = await ctx.db.pending.get(p.value.id);
      if (current?.stage !== 'key-ready')
        throw new AbortWrite(vaultError('WRONG_STAGE', current?.stage ?? 'closed'));
      const cert = await ctx.db.certificates.get(p.value.certificateId!);
      if (!cert) throw new AbortWrite(vaultError('NOT_FOUND', 'certificate'));
      const next: PendingRow = {
        ...current,
        stage: 'submitted',
        referenceNumber: input.referenceNumber,
        updatedAt: now,
      };
      await ctx.db.pending.put(next);
      await ctx.db.certificates.put({ ...cert, enrollmentReference: input.referenceNumber, updatedAt: now });
      return pendingView(next);
    },
  });
}

async function sameKey(
  subtle: SubtleCrypto,
  a: Uint8Array,
  b: Uint8Array,
  alg: SigningAlgorithm,
): Promise<boolean> {
  if (bytesEqual(a, b)) return true;
  // Equal keys can be encoded differently (EC parameters spelled out); compare after a round trip.
  const params =
    alg === 'RSA-2048'
      ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
      : { name: 'ECDSA', namedCurve: 'P-256' };
  try {
    const [ka, kb] = await Promise.all([
      subtle.importKey('spki', new Uint8Array(a), params, true, ['verify']),
      subtle.importKey('spki', new Uint8Array(b), params, true, ['verify']),
    ]);
    const [ea, eb] = await Promise.all([subtle.exportKey('spki', ka), subtle.exportKey('spki', kb)]);
    return bytesEqual(new Uint8Array(ea), new Uint8Array(eb));
  } catch {
    return false;
  }
}

export async function completeEnrollment(
  ctx: VaultContext,
  u: Unlocked,
  input: { pendingId: string; certificateDer: Uint8Array },
): Promise<VaultResult<CertificateView>> {
  const p = await findEnrollment(ctx, input.pendingId);
  if (!p.ok) return p;
  if (p.value.stage !== 'submitted') return vfail('WRONG_STAGE', p.value.stage);
  if (!(input.certificateDer instanceof Uint8Array)) return vfail('BAD_REQUEST', 'certificateDer');
  const cert = await findCertificate(ctx, p.value.certificateId);
  if (!cert.ok) return cert;
  const { readCertificate } = await import('../../shared/crypto/x509-reader.ts');
  const info = await readCertificate(ctx.platform.subtle, input.certificateDer);
  if (!info.ok) return { ok: false, error: asVaultError(info.error) };
  if (
    !(await sameKey(ctx.platform.subtle, info.value.spki, cert.value.publicKeySpki, cert.value.algorithm))
  ) {
    return vfail('CERTIFICATE_MISMATCH', 'the certificate is for another key');
  }
  if (info.value.ksefType && info.value.ksefType !== cert.value.certificateType) {
    return vfail('CERTIFICATE_MISMATCH', 'certificate type');
  }
  const now = ctx.platform.clock.now();
  const updated: CertificateRow = {
    ...cert.value,
    state: 'active',
    certificateDer: new Uint8Array(input.certificateDer),
    serialNumber: info.value.serialHex,
    fingerprint: info.value.fingerprintSha256,
    subject: info.value.subjectName,
    validFrom: new Date(info.value.notBeforeMs).toISOString(),
    validTo: new Date(info.value.notAfterMs).toISOString(),
    updatedAt: now,
  };
  return commit(ctx, u, {
    tables: ['certificates', 'pending'],
    log: [
      {
        kind: 'enrollment-completed',
        companyId: p.value.companyId,
        detail: { serialNumber: updated.serialNumber ?? '', referenceNumber: p.value.referenceNumber ?? '' },
      },
    ],
    write: async () => {
      if ((await ctx.db.pending.get(p.value.id))?.stage !== 'submitted')
        throw new AbortWrite(vaultError('WRONG_STAGE'));
      await ctx.db.certificates.put(updated);
      await ctx.db.pending.delete(p.value.id);
      return certificateView(updated);
    },
  });
}

/** KSeF rejected the enrollment (status 400/500/550): the key is dropped, the row kept as a record. */
export async function failEnrollment(
  ctx: VaultContext,
  u: Unlocked,
  input: { pendingId: string; statusCode?: number },
): Promise<VaultResult<CertificateView>> {
  const p = await findEnrollment(ctx, input.pendingId);
  if (!p.ok) return p;
  const cert = await findCertificate(ctx, p.value.certificateId);
  if (!cert.ok) return cert;
  const { wrappedKey: _dropped, ...rest } = cert.value;
  const updated: CertificateRow = {
    ...rest,
    state: 'rejected',
    isDefault: 0,
    updatedAt: ctx.platform.clock.now(),
  };
  return commit(ctx, u, {
    tables: ['certificates', 'pending'],
    log: [
      {
        kind: 'enrollment-failed',
        companyId: p.value.companyId,
        detail: {
          statusCode: typeof input.statusCode === 'number' ? input.statusCode : 0,
          nonce: p.value.nonce,
        },
      },
    ],
    write: async () => {
      await ctx.db.certificates.put(updated);
      await ctx.db.pending.delete(p.value.id);
      return certificateView(updated);
    },
  });
}

export async function setDefaultCertificate(
  ctx: VaultContext,
  u: Unlocked,
  input: { certificateId: string },
): Promise<VaultResult<CertificateView>> {
  const cert = await findCertificate(ctx, input.certificateId);
  if (!cert.ok) return cert;
  if (
    cert.value.state !== 'active' ||
    cert.value.certificateType !== 'Authentication' ||
    !cert.value.wrappedKey
  ) {
    // Offline certificates cannot log in (REFERENCE.md §3.9), and neither can one without its key.
    return vfail('WRONG_STAGE', cert.value.state);
  }
  const now = ctx.platform.clock.now();
  return commit(ctx, u, {
    tables: ['certificates'],
    log: [
      {
        kind: 'default-changed',
        companyId: cert.value.companyId,
        detail: { certificate: cert.value.serialNumber ?? '' },
      },
    ],
    write: async () => {
      await ctx.db.certificates
        .where('companyId')
        .equals(cert.value.companyId)
        .modify((c: CertificateRow & { isDefault: 0 | 1 }) => {
          c.isDefault = c.id === cert.value.id ? 1 : 0;
        });
      const updated = { ...cert.value, isDefault: 1 as const, updatedAt: now };
      await ctx.db.certificates.put(updated);
      return certificateView(updated);
    },
  });
}

export async function setCertificateExcludedFromBackup(
  ctx: VaultContext,
  u: Unlocked,
  input: { certificateId: string; excluded: boolean },
): Promise<VaultResult<CertificateView>> {
  const cert = await findCertificate(ctx, input.certificateId);
  if (!cert.ok) return cert;
  if (typeof input.excluded !== 'boolean') return vfail('BAD_REQUEST', 'excluded');
  const updated: CertificateRow = {
    ...cert.value,
    excludeFromBackup: input.excluded ? 1 : 0,
    updatedAt: ctx.platform.clock.now(),
  };
  return commit(ctx, u, {
    tables: ['certificates'],
    write: async () => {
      await ctx.db.certificates.put(updated);
      return certificateView(updated);
    },
  });
}

export async function removeCertificate(
  ctx: VaultContext,
  u: Unlocked,
  input: { certificateId: string },
): Promise<VaultResult<{ removed: number }>> {
  const cert = await findCertificate(ctx, input.certificateId);
  if (!cert.ok) return cert;
  return commit(ctx, u, {
    tables: ['certificates', 'pending'],
    log: [
      {
        kind: 'certificate-removed',
        companyId: cert.value.companyId,
        detail: { certificate: cert.value.serialNumber ?? cert.value.name },
      },
    ],
    write: async () => {
      await ctx.db.pending
        .where('companyId')
        .equals(cert.value.companyId)
        .filter((p) => p.certificateId === cert.value.id)
        .delete();
      await ctx.db.certificates.delete(cert.value.id);
      return { removed: 1 };
    },
  });
}

/** A non-extractable signing key for the flows inside the key worker (never over the RPC). */
export async function unwrapCertificateKey(
  ctx: VaultContext,
  u: Unlocked,
  certificateId: string,
): Promise<VaultResult<{ privateKey: CryptoKey; certificateDer?: Uint8Array }>> {
  const cert = await findCertificate(ctx, certificateId);
  if (!cert.ok) return cert;
  if (!cert.value.wrappedKey) return vfail('NOT_FOUND', 'private key');
  const company = await findCompany(ctx, cert.value.companyId);
  if (!company.ok) return company;
  const aad = keyAad(u.keys.vaultId, cert.value.id, company.value);
  if (!aad.ok) return { ok: false, error: asVaultError(aad.error) };
  const key = await unwrapSigningKey(ctx.platform.subtle, u.keys.recordKey, cert.value.wrappedKey, aad.value);
  if (!key.ok) return { ok: false, error: asVaultError(key.error) };
  return ok({
    privateKey: key.value,
    ...(cert.value.certificateDer ? { certificateDer: cert.value.certificateDer } : {}),
  });
}

/**
 * KSeF says the certificate is revoked (the wallet revoked it, or someone did elsewhere): it stays
 * as a record, can no longer be the default or log in, and its key is dropped — a revoked
 * certificate is never reused (REFERENCE §3.9).
 */
export async function markCertificateRevoked(
  ctx: VaultContext,
  u: Unlocked,
  input: { certificateId: string },
): Promise<VaultResult<CertificateView>> {
  const cert = await findCertificate(ctx, input.certificateId);
  if (!cert.ok) return cert;
  if (cert.value.state === 'revoked') return ok(certificateView(cert.value));
  const { wrappedKey: _dropped, ...rest } = cert.value;
  const updated: CertificateRow = {
    ...rest,
    state: 'revoked',
    isDefault: 0,
    updatedAt: ctx.platform.clock.now(),
  };
  return commit(ctx, u, {
    tables: ['certificates'],
    log: [
      {
        kind: 'certificate-revoked',
        companyId: cert.value.companyId,
        detail: { certificate: cert.value.serialNumber ?? cert.value.name },
      },
    ],
    write: async () => {
      await ctx.db.certificates.put(updated);
      return certificateView(updated);
    },
  });
}

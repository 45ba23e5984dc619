/**
 * KSeF certificates (REFERENCE §3.9, §7.3, §8, §11 "Certificates"). Everything belongs to the
 * authenticated subject, not to the context. Enrollment data and enrollment need a session that
 * was authenticated with a signature (25001 / 25002); revocation is refused for token sessions
 * (403 auth-method-not-allowed, INFER). Limits per identifier type: NIP 300/100, PESEL 12/6,
 * fingerprint 12/6 (enrollment requests ever made / active certificates), overridable through
 * /testdata/limits/subject/certificate. Enrollment status 100 → 200 after `enrollmentDelayMs`;
 * a key already certified for another subject, or a full certificate quota, ends with 400.
 */
import { issueCertificate, KEY_USAGE, newSerial } from '../crypto/authority.ts';
import { DN_OIDS } from '../crypto/certificate.ts';
import { parseCsr } from '../crypto/csr.ts';
import { badRequest, forbidden, type KsefFailure } from '../http/ksef-errors.ts';
import type { Runtime } from '../runtime.ts';
import {
  type AuthOperation,
  type CertificateSubjectData,
  type Enrollment,
  type IssuedCertificate,
  type KsefCertificateType,
  type StatusInfo,
  type SubjectIdentifier,
  subjectKey,
} from '../state/model.ts';
import { isSameOrLinked } from './permissions.ts';
import { newReferenceNumber, REFERENCE_TYPES } from './reference-number.ts';
import { DAY_MS, isoTime } from './time.ts';

export const ENROLLMENT_STATUS_RETENTION_MS = 30 * DAY_MS;
const VALIDITY_MS = 2 * 365 * DAY_MS;

export const DEFAULT_LIMITS = Object.freeze({
  Nip: { maxEnrollments: 300, maxCertificates: 100 },
  Pesel: { maxEnrollments: 12, maxCertificates: 6 },
  Fingerprint: { maxEnrollments: 12, maxCertificates: 6 },
});

export const ENROLLMENT_STATUS = Object.freeze({
  accepted: (): StatusInfo => ({ code: 100, description: 'Wniosek przyjęty do realizacji' }),
  issued: (): StatusInfo => ({ code: 200, description: 'Wniosek obsłużony (certyfikat wygenerowany)' }),
  keyTaken: (): StatusInfo => ({
    code: 400,
    description: 'Wniosek odrzucony',
    details: ['Klucz publiczny został już certyfikowany przez inny podmiot.'],
  }),
  quotaFull: (): StatusInfo => ({
    code: 400,
    description: 'Wniosek odrzucony',
    details: ['Osiągnięto dopuszczalny limit posiadanych certyfikatów.'],
  }),
  unknownError: (): StatusInfo => ({ code: 500, description: 'Nieznany błąd' }),
});

type Outcome<T> = { ok: true; value: T } | { ok: false; failure: KsefFailure };
const fail = (failure: KsefFailure): Outcome<never> => ({ ok: false, failure });

const isTokenSession = (op: AuthOperation) => op.authenticationMethod === 'Token';

export function limitsOf(rt: Runtime, subject: SubjectIdentifier) {
  const override = rt.state.certificateLimits[subjectKey(subject)] ?? {};
  const defaults = DEFAULT_LIMITS[subject.type];
  return {
    maxEnrollments: override.maxEnrollments ?? defaults.maxEnrollments,
    maxCertificates: override.maxCertificates ?? defaults.maxCertificates,
  };
}

export type EffectiveCertificateStatus = 'Active' | 'Blocked' | 'Revoked' | 'Expired';

export function effectiveStatus(rt: Runtime, cert: IssuedCertificate): EffectiveCertificateStatus {
  const now = rt.now();
  if (cert.status === 'Blocked' && cert.revokedAt !== null && now >= cert.revokedAt) {
    cert.status = 'Revoked';
    rt.store.changed();
  }
  if (cert.status !== 'Active') return cert.status;
  return now >= cert.validTo ? 'Expired' : 'Active';
}

const ownedBy = (rt: Runtime, subject: SubjectIdentifier) => (cert: { subject: SubjectIdentifier }) =>
  isSameOrLinked(rt.state, subject, cert.subject);

function counts(rt: Runtime, subject: SubjectIdentifier) {
  const key = subjectKey(subject);
  const enrollments = Object.values(rt.state.enrollments).filter((e) => subjectKey(e.subject) === key).length;
  const active = Object.values(rt.state.certificates).filter(
    (c) => subjectKey(c.subject) === key && effectiveStatus(rt, c) === 'Active',
  ).length;
  return { enrollments, active };
}

export function certificateLimits(rt: Runtime, op: AuthOperation) {
  const subject = op.subject!;
  const limits = limitsOf(rt, subject);
  const used = counts(rt, subject);
  const enrollmentRemaining = Math.max(0, limits.maxEnrollments - used.enrollments);
  const certificateRemaining = Math.max(0, limits.maxCertificates - used.active);
  return {
    canRequest: enrollmentRemaining > 0 && certificateRemaining > 0,
    enrollment: { remaining: enrollmentRemaining, limit: limits.maxEnrollments },
    certificate: { remaining: certificateRemaining, limit: limits.maxCertificates },
  };
}

export function enrollmentData(
  op: AuthOperation,
): Outcome<CertificateSubjectData & { commonName: string; countryName: string }> {
  if (isTokenSession(op) || !op.subjectData) return fail(badRequest(25001));
  return {
    ok: true,
    value: {
      ...op.subjectData,
      commonName: op.subjectData.commonName ?? '',
      countryName: op.subjectData.countryName ?? '',
    },
  };
}

const ENROLLMENT_ATTRIBUTES = Object.keys(DN_OIDS) as (keyof typeof DN_OIDS)[];

/** The CSR's DN must carry exactly the enrollment data's attributes and values, in any order. */
function sameDistinguishedName(
  data: CertificateSubjectData,
  csr: readonly { oid: string; value: string }[],
): boolean {
  const expected = ENROLLMENT_ATTRIBUTES.flatMap((name) => {
    const value = data[name];
    return value ? [`${DN_OIDS[name]}=${value}`] : [];
  }).sort();
  const actual = csr.map((a) => `${a.oid}=${a.value}`).sort();
  return expected.length === actual.length && expected.every((x, i) => x === actual[i]);
}

export type EnrollRequest = {
  certificateName: string;
  certificateType: KsefCertificateType;
  csr: string;
  validFrom?: string | null;
};

export function enroll(
  rt: Runtime,
  op: AuthOperation,
  body: EnrollRequest,
): Outcome<{ referenceNumber: string; timestamp: string }> {
  if (isTokenSession(op) || !op.subjectData || !op.subject) return fail(badRequest(25002));
  const parsed = parseCsr(new Uint8Array(Buffer.from(body.csr, 'base64')));
  if (!parsed.ok) return fail(badRequest(parsed.code, parsed.detail));
  if (!sameDistinguishedName(op.subjectData, parsed.value.subjectAttributes)) return fail(badRequest(25003));
  const limits = limitsOf(rt, op.subject);
  const used = counts(rt, op.subject);
  if (used.enrollments >= limits.maxEnrollments) return fail(badRequest(25006));
  if (used.active >= limits.maxCertificates) return fail(badRequest(25007));
  const now = rt.now();
  const referenceNumber = newReferenceNumber(REFERENCE_TYPES.enrollment, now);
  const enrollment: Enrollment = {
    referenceNumber,
    requestDate: now,
    subject: { ...op.subject },
    subjectData: { ...op.subjectData },
    certificateName: body.certificateName,
    certificateType: body.certificateType,
    csr: body.csr,
    spkiHash: parsed.value.spkiHash,
    validFrom: body.validFrom ? Date.parse(body.validFrom) : null,
    readyAt: now + rt.settings.enrollmentDelayMs,
    status: ENROLLMENT_STATUS.accepted(),
    certificateSerialNumber: null,
  };
  rt.state.enrollments[referenceNumber] = enrollment;
  rt.store.changed();
  return { ok: true, value: { referenceNumber, timestamp: isoTime(now) } };
}

const inFlight = new WeakMap<Enrollment, Promise<void>>();

/** Processes an enrollment whose time has come; concurrent readers wait for the same issuance. */
export async function settleEnrollment(rt: Runtime, e: Enrollment): Promise<void> {
  if (e.status.code !== 100 || rt.now() < e.readyAt) return;
  let running = inFlight.get(e);
  if (!running) {
    running = processEnrollment(rt, e).finally(() => inFlight.delete(e));
    inFlight.set(e, running);
  }
  await running;
}

async function processEnrollment(rt: Runtime, e: Enrollment): Promise<void> {
  const key = subjectKey(e.subject);
  const owner = rt.state.certifiedKeys[e.spkiHash];
  const csr = e.csr ? parseCsr(new Uint8Array(Buffer.from(e.csr, 'base64'))) : null;
  e.csr = null;
  rt.store.changed();
  if (!csr?.ok) {
    e.status = ENROLLMENT_STATUS.unknownError();
    return;
  }
  if (owner !== undefined && owner !== key) {
    e.status = ENROLLMENT_STATUS.keyTaken();
    return;
  }
  if (counts(rt, e.subject).active >= limitsOf(rt, e.subject).maxCertificates) {
    e.status = ENROLLMENT_STATUS.quotaFull();
    return;
  }
  const serial = newSerial();
  const serialNumber = Buffer.from(serial).toString('hex').toUpperCase();
  const notBefore = e.validFrom ?? rt.now();
  const notAfter = notBefore + VALIDITY_MS;
  let der: Uint8Array;
  try {
    der = issueCertificate(rt.authority, {
      subject: csr.value.subject,
      publicKeyInfo: csr.value.publicKeyInfo,
      serial,
      notBefore,
      notAfter,
      keyUsage:
        e.certificateType === 'Authentication' ? KEY_USAGE.digitalSignature : KEY_USAGE.nonRepudiation,
    });
  } catch {
    // KSeF's own answer for a failure on its side (REFERENCE §3.9 status 500).
    e.status = ENROLLMENT_STATUS.unknownError();
    return;
  }
  rt.state.certificates[serialNumber] = {
    serialNumber,
    name: e.certificateName,
    type: e.certificateType,
    certificate: Buffer.from(der).toString('base64'),
    commonName: e.subjectData.commonName ?? '',
    subject: { ...e.subject },
    subjectData: { ...e.subjectData },
    validFrom: notBefore,
    validTo: notAfter,
    requestDate: e.requestDate,
    status: 'Active',
    revokedAt: null,
    revocationReason: null,
    lastUseDate: null,
    spkiHash: e.spkiHash,
  };
  rt.state.certifiedKeys[e.spkiHash] = key;
  e.status = ENROLLMENT_STATUS.issued();
  e.certificateSerialNumber = serialNumber;
  rt.store.changed();
}

export async function enrollmentStatus(
  rt: Runtime,
  op: AuthOperation,
  ref: string,
): Promise<
  | Outcome<{ requestDate: string; status: StatusInfo; certificateSerialNumber?: string }>
  | { ok: false; gone: true }
> {
  const e = rt.state.enrollments[ref];
  if (!e || !op.subject || !isSameOrLinked(rt.state, op.subject, e.subject)) return fail(badRequest(25005));
  if (rt.now() - e.requestDate >= ENROLLMENT_STATUS_RETENTION_MS) return { ok: false, gone: true };
  await settleEnrollment(rt, e);
  return {
    ok: true,
    value: {
      requestDate: isoTime(e.requestDate),
      status: e.status,
      ...(e.certificateSerialNumber ? { certificateSerialNumber: e.certificateSerialNumber } : {}),
    },
  };
}

export function retrieveCertificates(rt: Runtime, op: AuthOperation, serials: readonly string[]) {
  const mine = op.subject ? ownedBy(rt, op.subject) : () => false;
  return {
    certificates: serials
      .map((s) => rt.state.certificates[s])
      .filter((c): c is IssuedCertificate => c !== undefined && mine(c))
      .map((c) => ({
        certificate: c.certificate,
        certificateName: c.name,
        certificateSerialNumber: c.serialNumber,
        certificateType: c.type,
      })),
  };
}

export type CertificateQuery = {
  certificateSerialNumber?: string | null;
  name?: string | null;
  type?: KsefCertificateType | null;
  status?: EffectiveCertificateStatus | null;
  expiresAfter?: string | null;
};

export function queryCertificates(
  rt: Runtime,
  op: AuthOperation,
  q: CertificateQuery,
  pageSize: number,
  pageOffset: number,
) {
  const mine = op.subject ? ownedBy(rt, op.subject) : () => false;
  const name = q.name?.toLowerCase();
  const expiresAfter = q.expiresAfter ? Date.parse(q.expiresAfter) : null;
  const all = Object.values(rt.state.certificates)
    .filter(mine)
    .filter(
      (c) =>
        (!q.certificateSerialNumber || c.serialNumber === q.certificateSerialNumber) &&
        (!name || c.name.toLowerCase().includes(name)) &&
        (!q.type || c.type === q.type) &&
        (!q.status || effectiveStatus(rt, c) === q.status) &&
        (expiresAfter === null || c.validTo > expiresAfter),
    )
    .sort((a, b) => b.requestDate - a.requestDate || a.serialNumber.localeCompare(b.serialNumber));
  const page = all.slice(pageOffset * pageSize, pageOffset * pageSize + pageSize);
  return {
    certificates: page.map((c) => ({
      certificateSerialNumber: c.serialNumber,
      name: c.name,
      type: c.type,
      commonName: c.commonName,
      status: effectiveStatus(rt, c),
      subjectIdentifier: { ...c.subject },
      validFrom: isoTime(c.validFrom),
      validTo: isoTime(c.validTo),
      ...(c.lastUseDate !== null ? { lastUseDate: isoTime(c.lastUseDate) } : {}),
      requestDate: isoTime(c.requestDate),
    })),
    hasMore: all.length > (pageOffset + 1) * pageSize,
  };
}

export function revokeCertificate(
  rt: Runtime,
  op: AuthOperation,
  serial: string,
  reason: string | null,
): Outcome<void> {
  if (isTokenSession(op)) {
    return fail(
      forbidden('auth-method-not-allowed', { authenticationMethodCategory: op.methodInfo.category }),
    );
  }
  const cert = rt.state.certificates[serial];
  if (!cert || !op.subject || !ownedBy(rt, op.subject)(cert)) return fail(badRequest(25008));
  if (effectiveStatus(rt, cert) !== 'Active') return fail(badRequest(25009));
  // Blocked while the revocation completes (enrollmentDelayMs), then Revoked; the slot is free at once.
  cert.status = 'Blocked';
  cert.revokedAt = rt.now() + rt.settings.enrollmentDelayMs;
  cert.revocationReason = reason ?? 'Unspecified';
  rt.store.changed();
  effectiveStatus(rt, cert);
  return { ok: true, value: undefined };
}

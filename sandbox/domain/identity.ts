/**
 * Who signed: the subject read from the signer's certificate (REFERENCE §6.1, §7.1).
 *  - `certificateSubject`: NIP from organizationIdentifier `VATPL…` (a seal), or NIP/PESEL from
 *    serialNumber `TINPL|NIP…` / `PNOPL|PESEL…` (a person). The regular expressions are KSeF's own.
 *    A seal must not carry givenName/surname (→ 21115); no usable identifier → 21406.
 *  - `certificateFingerprint`: the certificate's SHA-256 fingerprint (uppercase hex).
 * A KSeF certificate (issued by the sandbox CA) carries the identity it was issued for.
 */
import { type DnAttribute, dnValue, dnValues, type ParsedCertificate } from '../crypto/certificate.ts';
import type { CertificateSubjectData, ContextIdentifier, SubjectIdentifier } from '../state/model.ts';

export const PESEL_IN_SERIAL = /(PNOPL|PESEL).*?(?<identifier>\d{11})/;
export const NIP_IN_SERIAL = /(TINPL|NIP).*?(?<identifier>\d{10})/;
export const NIP_IN_ORGANIZATION_ID = /(VATPL).*?(?<identifier>\d{10})/;

export type IdentityResult =
  | { ok: true; subject: SubjectIdentifier; kind: 'seal' | 'person' | 'fingerprint' }
  | { ok: false; code: 21115 | 21406; detail: string };

export function subjectDataOf(dn: readonly DnAttribute[]): CertificateSubjectData {
  const data: CertificateSubjectData = {};
  for (const key of [
    'commonName',
    'countryName',
    'givenName',
    'surname',
    'serialNumber',
    'uniqueIdentifier',
    'organizationName',
    'organizationIdentifier',
  ] as const) {
    const value = dnValues(dn, key).join(' ');
    if (value) data[key] = value;
  }
  return data;
}

export function identityFromCertificate(
  cert: ParsedCertificate,
  subjectIdentifierType: 'certificateSubject' | 'certificateFingerprint',
): IdentityResult {
  const dn = cert.subject;
  const organizationIdentifier = dnValue(dn, 'organizationIdentifier');
  const isSeal = organizationIdentifier !== undefined;
  if (isSeal && (dnValue(dn, 'givenName') !== undefined || dnValue(dn, 'surname') !== undefined)) {
    // REFERENCE §7.1: a seal certificate must not carry givenName or surname.
    return {
      ok: false,
      code: 21115,
      detail: 'Certyfikat pieczęci nie może zawierać atrybutów givenName ani surname.',
    };
  }
  if (subjectIdentifierType === 'certificateFingerprint') {
    return { ok: true, subject: { type: 'Fingerprint', value: cert.fingerprint }, kind: 'fingerprint' };
  }
  const fromOrganization = organizationIdentifier
    ? NIP_IN_ORGANIZATION_ID.exec(organizationIdentifier)?.groups?.identifier
    : undefined;
  if (fromOrganization) return { ok: true, subject: { type: 'Nip', value: fromOrganization }, kind: 'seal' };
  const serial = dnValue(dn, 'serialNumber') ?? '';
  const pesel = PESEL_IN_SERIAL.exec(serial)?.groups?.identifier;
  if (pesel) return { ok: true, subject: { type: 'Pesel', value: pesel }, kind: 'person' };
  const nip = NIP_IN_SERIAL.exec(serial)?.groups?.identifier;
  if (nip) return { ok: true, subject: { type: 'Nip', value: nip }, kind: 'person' };
  return {
    ok: false,
    code: 21406,
    detail: 'Certyfikat nie zawiera identyfikatora NIP ani PESEL; użyj certificateFingerprint.',
  };
}

/**
 * Which subject identifiers a context type admits (→ 21117 otherwise). Nip and InternalId
 * contexts take NIP, PESEL and fingerprint subjects; the composite NipVatUe context (an EU entity
 * acting for a Polish NIP) and PeppolId contexts take certificate fingerprints only [INFER,
 * REFERENCE §11: "identifier type not valid for the context type → 21117"].
 */
export function subjectFitsContext(subject: SubjectIdentifier, context: ContextIdentifier): boolean {
  if (context.type === 'Nip' || context.type === 'InternalId') return true;
  return subject.type === 'Fingerprint';
}

/**
 * PKCS#10 certificate signing request for KSeF certificate enrollment (REFERENCE §8, RFC 2986).
 *
 *   CertificationRequest ::= SEQUENCE {
 *     certificationRequestInfo CertificationRequestInfo,
 *     signatureAlgorithm AlgorithmIdentifier,
 *     signature BIT STRING }
 *   CertificationRequestInfo ::= SEQUENCE {
 *     version INTEGER { v1(0) },
 *     subject Name,
 *     subjectPKInfo SubjectPublicKeyInfo,
 *     attributes [0] IMPLICIT SET OF Attribute }   -- empty, as in KSeF's own example CSR
 *
 * The subject is exactly `/certificates/enrollments/data` — any difference is 25003 — one RDN per
 * attribute in the order KSeF returned them, C and serialNumber as PrintableString, the rest UTF8String
 * (what both official clients emit). ECDSA signatures are DER here (RFC 3279), unlike XAdES.
 */
import * as asn1js from 'asn1js';
import type { components } from '../ksef/generated/openapi.ts';
import { ok } from '../result.ts';
import {
  algorithmOfKey,
  encodeName,
  type NameAttribute,
  OID,
  rawDer,
  signatureAlgorithmId,
  signDer,
  toDer,
} from './der.ts';
import { buf } from './encoding.ts';
import { type CryptoResult, cfail } from './errors.ts';

export type EnrollmentData = components['schemas']['CertificateEnrollmentDataResponse'];

/** Field of the enrollment-data response → attribute OID (REFERENCE §8 list). */
export const ENROLLMENT_FIELD_OIDS: Readonly<Record<keyof EnrollmentData, string>> = Object.freeze({
  commonName: OID.commonName,
  countryName: OID.countryName,
  givenName: OID.givenName,
  surname: OID.surname,
  serialNumber: OID.serialNumber,
  uniqueIdentifier: OID.uniqueIdentifier,
  organizationName: OID.organizationName,
  organizationIdentifier: OID.organizationIdentifier,
});

export function enrollmentDataToName(data: EnrollmentData): CryptoResult<NameAttribute[]> {
  if (typeof data !== 'object' || data === null) return cfail('CSR_BAD_ENROLLMENT_DATA', 'not an object');
  const attrs: NameAttribute[] = [];
  for (const [field, value] of Object.entries(data)) {
    if (value === null || value === undefined) continue;
    const oid = ENROLLMENT_FIELD_OIDS[field as keyof EnrollmentData];
    // An attribute we do not know would be left out of the CSR and KSeF would answer 25003 later;
    // saying so now is clearer.
    if (!oid) return cfail('CSR_BAD_ENROLLMENT_DATA', `unknown attribute ${field}`);
    if (typeof value !== 'string') return cfail('CSR_BAD_ENROLLMENT_DATA', `${field} is not a string`);
    attrs.push({ oid, value });
  }
  if (!attrs.some((a) => a.oid === OID.commonName) || !attrs.some((a) => a.oid === OID.countryName)) {
    return cfail('CSR_BAD_ENROLLMENT_DATA', 'commonName and countryName are required');
  }
  return ok(attrs);
}

export async function buildCsr(
  subtle: SubtleCrypto,
  enrollmentData: EnrollmentData,
  keys: { readonly privateKey: CryptoKey; readonly publicKey: CryptoKey },
): Promise<CryptoResult<Uint8Array>> {
  const alg = algorithmOfKey(keys.privateKey);
  if (!alg) return cfail('UNSUPPORTED_KEY', 'KSeF accepts RSA-2048 or P-256 (REFERENCE §8)');
  const attrs = enrollmentDataToName(enrollmentData);
  if (!attrs.ok) return attrs;
  const name = encodeName(attrs.value);
  if (!name.ok) return name;
  try {
    const spki = new Uint8Array(await subtle.exportKey('spki', keys.publicKey));
    const info = new asn1js.Sequence({
      value: [
        new asn1js.Integer({ value: 0 }),
        name.value,
        rawDer(spki),
        new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 0 }, value: [] }),
      ],
    });
    const infoDer = toDer(info);
    const signature = await signDer(subtle, alg, keys.privateKey, infoDer);
    const csr = new asn1js.Sequence({
      value: [rawDer(infoDer), signatureAlgorithmId(alg), new asn1js.BitString({ valueHex: buf(signature) })],
    });
    return ok(toDer(csr));
  } catch {
    return cfail('SIGNING_FAILED', 'could not sign the CSR');
  }
}

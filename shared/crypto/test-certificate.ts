/**
 * Self-signed certificates for KSeF TEST and the local sandbox ONLY (REFERENCE §7.4): TEST accepts
 * self-signed certificates for XAdES, DEMO and PRD refuse them (21115). The caller must offer this
 * only on TEST/sandbox and label it clearly (SECURITY.md T10: the test signer is off on DEMO/PRD).
 *
 *   TBSCertificate ::= SEQUENCE { version [0] EXPLICIT INTEGER (v3 = 2), serialNumber INTEGER,
 *     signature AlgorithmIdentifier, issuer Name, validity SEQUENCE { notBefore Time, notAfter Time },
 *     subject Name, subjectPublicKeyInfo SubjectPublicKeyInfo }   -- no extensions, like the C# client
 *
 * Seal DN: organizationIdentifier VATPL-<NIP>, O, CN, C=PL; person DN: givenName, surname,
 * serialNumber PNOPL-<PESEL> or TINPL-<NIP>, CN, C=PL. notBefore is one hour in the past because the
 * clocks of the browser and KSeF differ (TOOLING.md pitfalls).
 */
import * as asn1js from 'asn1js';
import type { Clock } from '../platform.ts';
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

export type TestCertificateSubject =
  | {
      readonly kind: 'seal';
      readonly nip: string;
      readonly organizationName: string;
      readonly commonName?: string;
    }
  | {
      readonly kind: 'person';
      readonly givenName: string;
      readonly surname: string;
      readonly pesel?: string;
      readonly nip?: string;
      readonly commonName?: string;
    };

export const TEST_CERTIFICATE = Object.freeze({
  BACKDATE_MS: 60 * 60 * 1000,
  LIFETIME_MS: 2 * 365 * 24 * 60 * 60 * 1000,
  SERIAL_BYTES: 8,
});

// REFERENCE §2.3 patterns.
const NIP = /^[1-9]((\d[1-9])|([1-9]\d))\d{7}$/;
const PESEL = /^\d{2}(?:0[1-9]|1[0-2]|2[1-9]|3[0-2]|4[1-9]|5[0-2]|6[1-9]|7[0-2]|8[1-9]|9[0-2])\d{7}$/;

export function testCertificateName(s: TestCertificateSubject): CryptoResult<NameAttribute[]> {
  if (s.kind === 'seal') {
    if (!NIP.test(s.nip)) return cfail('CSR_BAD_ENROLLMENT_DATA', 'NIP does not match the KSeF pattern');
    return ok([
      { oid: OID.organizationIdentifier, value: `VATPL-${s.nip}` },
      { oid: OID.organizationName, value: s.organizationName },
      { oid: OID.commonName, value: s.commonName ?? s.organizationName },
      { oid: OID.countryName, value: 'PL' },
    ]);
  }
  let serial: string;
  if (s.pesel !== undefined && s.nip === undefined) {
    if (!PESEL.test(s.pesel))
      return cfail('CSR_BAD_ENROLLMENT_DATA', 'PESEL does not match the KSeF pattern');
    serial = `PNOPL-${s.pesel}`;
  } else if (s.nip !== undefined && s.pesel === undefined) {
    if (!NIP.test(s.nip)) return cfail('CSR_BAD_ENROLLMENT_DATA', 'NIP does not match the KSeF pattern');
    serial = `TINPL-${s.nip}`;
  } else {
    return cfail('CSR_BAD_ENROLLMENT_DATA', 'a person needs exactly one of PESEL or NIP');
  }
  return ok([
    { oid: OID.givenName, value: s.givenName },
    { oid: OID.surname, value: s.surname },
    { oid: OID.serialNumber, value: serial },
    { oid: OID.commonName, value: s.commonName ?? `${s.givenName} ${s.surname}` },
    { oid: OID.countryName, value: 'PL' },
  ]);
}

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
const x509Time = (ms: number): asn1js.BaseBlock =>
  new Date(ms).getUTCFullYear() < 2050
    ? new asn1js.UTCTime({ valueDate: new Date(Math.floor(ms / 1000) * 1000) })
    : new asn1js.GeneralizedTime({ valueDate: new Date(Math.floor(ms / 1000) * 1000) });

export async function createSelfSignedTestCertificate(
  subtle: SubtleCrypto,
  subject: TestCertificateSubject,
  keyPair: { readonly privateKey: CryptoKey; readonly publicKey: CryptoKey },
  clock: Pick<Clock, 'now'>,
  random: (n: number) => Uint8Array = (n) => globalThis.crypto.getRandomValues(new Uint8Array(n)),
): Promise<CryptoResult<Uint8Array>> {
  const alg = algorithmOfKey(keyPair.privateKey);
  if (!alg) return cfail('UNSUPPORTED_KEY', 'RSA-2048 or P-256 only');
  const attrs = testCertificateName(subject);
  if (!attrs.ok) return attrs;
  const name = encodeName(attrs.value);
  if (!name.ok) return name;
  // 16 hex digits like KSeF's own serials, kept positive and without a leading zero byte.
  const serial = new Uint8Array(random(TEST_CERTIFICATE.SERIAL_BYTES));
  serial[0] = serial[0]! & 0x7f || 0x01;
  const now = clock.now();
  try {
    const spki = new Uint8Array(await subtle.exportKey('spki', keyPair.publicKey));
    const tbs = new asn1js.Sequence({
      value: [
        new asn1js.Constructed({
          idBlock: { tagClass: 3, tagNumber: 0 },
          value: [new asn1js.Integer({ value: 2 })],
        }),
        new asn1js.Integer({ valueHex: buf(serial) }),
        signatureAlgorithmId(alg),
        name.value,
        new asn1js.Sequence({
          value: [x509Time(now - TEST_CERTIFICATE.BACKDATE_MS), x509Time(now + TEST_CERTIFICATE.LIFETIME_MS)],
        }),
        rawDer(toDer(name.value)),
        rawDer(spki),
      ],
    });
    const tbsDer = toDer(tbs);
    const signature = await signDer(subtle, alg, keyPair.privateKey, tbsDer);
    const cert = new asn1js.Sequence({
      value: [rawDer(tbsDer), signatureAlgorithmId(alg), new asn1js.BitString({ valueHex: buf(signature) })],
    });
    return ok(toDer(cert));
  } catch {
    return cfail('SIGNING_FAILED', 'could not sign the test certificate');
  }
}

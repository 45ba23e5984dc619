/**
 * X.509 certificate reader for display and for the identity checks KSeF makes (REFERENCE §7).
 *
 *   Certificate ::= SEQUENCE { tbsCertificate TBSCertificate, signatureAlgorithm AlgorithmIdentifier,
 *                              signatureValue BIT STRING }
 *   TBSCertificate ::= SEQUENCE { version [0] EXPLICIT Version DEFAULT v1, serialNumber INTEGER,
 *       signature AlgorithmIdentifier, issuer Name, validity Validity, subject Name,
 *       subjectPublicKeyInfo SubjectPublicKeyInfo, ... extensions [3] EXPLICIT Extensions OPTIONAL }
 *   KeyUsage ::= BIT STRING { digitalSignature (0), nonRepudiation (1), keyEncipherment (2), ... }
 *
 * Parsing is pkijs over a size- and depth-limited asn1js decode; the raw DER of the issuer and the SPKI
 * are taken from the decoded blocks (not re-encoded), because `publicKeyId` hashes exactly those bytes
 * (§9.3).
 */
import type * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { ok } from '../result.ts';
import { OID, parseDer } from './der.ts';
import { sha256, toHexUpper, unsignedToDecimal } from './encoding.ts';
import { type CryptoResult, cfail } from './errors.ts';

export type CertificateAttribute = {
  readonly oid: string;
  /** Short name where one exists (CN, O, C, …), else the dotted OID. */
  readonly name: string;
  readonly value: string;
};

export type CertificateKey =
  | { readonly type: 'RSA'; readonly bits: number }
  | { readonly type: 'EC'; readonly curve: 'P-256' | 'P-384' | 'P-521' | string }
  | { readonly type: 'other'; readonly oid: string };

export type KsefCertificateType = 'Authentication' | 'Offline';

export type CertificateInfo = {
  readonly der: Uint8Array;
  readonly subject: readonly CertificateAttribute[];
  readonly issuer: readonly CertificateAttribute[];
  /** RFC 4514 string, most specific RDN first (as used for `X509IssuerName`). */
  readonly subjectName: string;
  readonly issuerName: string;
  readonly serialHex: string;
  readonly serialDecimal: string;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
  readonly key: CertificateKey;
  readonly signatureAlgorithmOid: string;
  /** SHA-256 of the DER, uppercase hex (REFERENCE §2.3 fingerprint). */
  readonly fingerprintSha256: string;
  readonly keyUsage: readonly string[];
  /** From keyUsage: digitalSignature ⇒ Authentication, nonRepudiation alone ⇒ Offline (§3.9). */
  readonly ksefType?: KsefCertificateType;
  readonly identifiers: { readonly nip?: string; readonly pesel?: string; readonly vatplNip?: string };
  readonly selfIssued: boolean;
  /** Raw DER of SubjectPublicKeyInfo, exactly as in the certificate. */
  readonly spki: Uint8Array;
};

const SHORT_NAMES: Readonly<Record<string, string>> = Object.freeze({
  [OID.commonName]: 'CN',
  [OID.surname]: 'SN',
  [OID.serialNumber]: 'serialNumber',
  [OID.countryName]: 'C',
  [OID.localityName]: 'L',
  [OID.stateOrProvinceName]: 'ST',
  [OID.organizationName]: 'O',
  [OID.organizationalUnitName]: 'OU',
  [OID.title]: 'title',
  [OID.givenName]: 'GN',
  [OID.uniqueIdentifier]: 'x500UniqueIdentifier',
  [OID.organizationIdentifier]: 'organizationIdentifier',
  [OID.emailAddress]: 'emailAddress',
});

/** RFC 4514 §3 knows only these short names; all others are written as dotted OIDs with a #hex value. */
const RFC4514_NAMES: Readonly<Record<string, string>> = Object.freeze({
  [OID.commonName]: 'CN',
  [OID.localityName]: 'L',
  [OID.stateOrProvinceName]: 'ST',
  [OID.organizationName]: 'O',
  [OID.organizationalUnitName]: 'OU',
  [OID.countryName]: 'C',
});

const CURVES: Readonly<Record<string, string>> = Object.freeze({
  [OID.p256]: 'P-256',
  [OID.p384]: 'P-384',
  [OID.p521]: 'P-521',
});

const KEY_USAGE_BITS = Object.freeze([
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
]);

// Identifier patterns of REFERENCE §7.1 (the docs' doubled backslashes undone).
const PESEL_IN_SERIAL = /(PNOPL|PESEL).*?(\d{11})/;
const NIP_IN_SERIAL = /(TINPL|NIP).*?(\d{10})/;
const NIP_IN_ORG_ID = /(VATPL).*?(\d{10})/;

function stringValue(v: asn1js.AsnType): string {
  const block = v as unknown as { valueBlock?: { value?: unknown } };
  const inner = block.valueBlock?.value;
  return typeof inner === 'string' ? inner : '';
}

function attributesOf(rdns: pkijs.RelativeDistinguishedNames): CertificateAttribute[] {
  return rdns.typesAndValues.map((tv) => ({
    oid: tv.type,
    name: SHORT_NAMES[tv.type] ?? tv.type,
    value: stringValue(tv.value as unknown as asn1js.AsnType),
  }));
}

function escape4514(value: string): string {
  let s = value.replace(/[\\",+;<>=]/g, (c) => `\\${c}`);
  if (s.startsWith(' ') || s.startsWith('#')) s = `\\${s}`;
  if (s.endsWith(' ') && s.length > 1) s = `${s.slice(0, -1)}\\ `;
  return s;
}

function rfc4514(rdns: pkijs.RelativeDistinguishedNames): string {
  return [...rdns.typesAndValues]
    .reverse()
    .map((tv) => {
      const short = RFC4514_NAMES[tv.type];
      if (short) return `${short}=${escape4514(stringValue(tv.value as unknown as asn1js.AsnType))}`;
      const ber = new Uint8Array((tv.value as unknown as asn1js.BaseBlock).toBER(false));
      return `${tv.type}=#${toHexUpper(ber)}`;
    })
    .join(',');
}

function keyOf(cert: pkijs.Certificate): CertificateKey {
  const spki = cert.subjectPublicKeyInfo;
  const oid = spki.algorithm.algorithmId;
  if (oid === OID.rsaEncryption) {
    const parsed = spki.parsedKey as pkijs.RSAPublicKey | undefined;
    const mod = parsed ? new Uint8Array(parsed.modulus.valueBlock.valueHexView) : new Uint8Array();
    let i = 0;
    while (i < mod.length && mod[i] === 0) i++;
    const rest = mod.subarray(i);
    const bits = rest.length === 0 ? 0 : (rest.length - 1) * 8 + (32 - Math.clz32(rest[0]!));
    return { type: 'RSA', bits };
  }
  if (oid === OID.ecPublicKey) {
    const params = spki.algorithm.algorithmParams as asn1js.ObjectIdentifier | undefined;
    const curveOid = params?.valueBlock?.toString?.() ?? '';
    return { type: 'EC', curve: CURVES[curveOid] ?? curveOid };
  }
  return { type: 'other', oid };
}

function keyUsageOf(cert: pkijs.Certificate): string[] {
  const ext = cert.extensions?.find((e) => e.extnID === OID.keyUsage);
  const bits = ext?.parsedValue as asn1js.BitString | undefined;
  if (!bits) return [];
  const bytes = new Uint8Array(bits.valueBlock.valueHexView);
  return KEY_USAGE_BITS.filter((_, i) => ((bytes[i >> 3] ?? 0) >> (7 - (i & 7))) & 1);
}

export async function readCertificate(
  subtle: SubtleCrypto,
  der: Uint8Array,
): Promise<CryptoResult<CertificateInfo>> {
  const parsed = parseDer(der);
  if (!parsed.ok) return parsed;
  let cert: pkijs.Certificate;
  try {
    cert = new pkijs.Certificate({ schema: parsed.value });
  } catch {
    return cfail('NOT_A_CERTIFICATE', 'not an X.509 certificate');
  }
  try {
    const tbs = (parsed.value as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence;
    const fields = tbs.valueBlock.value;
    const first = fields[0]!;
    const at = first.idBlock.tagClass === 3 ? 1 : 0; // [0] EXPLICIT version present
    const spkiBlock = fields[at + 5];
    if (!spkiBlock) return cfail('NOT_A_CERTIFICATE', 'no SubjectPublicKeyInfo');
    const spki = new Uint8Array(spkiBlock.valueBeforeDecodeView);
    const subject = attributesOf(cert.subject);
    const serialBytes = new Uint8Array(cert.serialNumber.valueBlock.valueHexView);
    const serialHex = toHexUpper(serialBytes);
    const keyUsage = keyUsageOf(cert);
    const find = (oid: string) => subject.find((a) => a.oid === oid)?.value ?? '';
    const serialAttr = find(OID.serialNumber);
    const pesel = PESEL_IN_SERIAL.exec(serialAttr)?.[2];
    const nip = NIP_IN_SERIAL.exec(serialAttr)?.[2];
    const vatplNip = NIP_IN_ORG_ID.exec(find(OID.organizationIdentifier))?.[2];
    const ksefType: KsefCertificateType | undefined = keyUsage.includes('digitalSignature')
      ? 'Authentication'
      : keyUsage.includes('nonRepudiation')
        ? 'Offline'
        : undefined;
    return ok({
      der: new Uint8Array(der),
      subject,
      issuer: attributesOf(cert.issuer),
      subjectName: rfc4514(cert.subject),
      issuerName: rfc4514(cert.issuer),
      // A leading 0x00 only keeps the INTEGER positive; it is not part of the serial's value.
      serialHex: serialHex.length > 2 && serialHex.startsWith('00') ? serialHex.slice(2) : serialHex,
      serialDecimal: unsignedToDecimal(serialBytes),
      notBeforeMs: cert.notBefore.value.getTime(),
      notAfterMs: cert.notAfter.value.getTime(),
      key: keyOf(cert),
      signatureAlgorithmOid: cert.signatureAlgorithm.algorithmId,
      fingerprintSha256: toHexUpper(await sha256(subtle, der)),
      keyUsage,
      ...(ksefType ? { ksefType } : {}),
      identifiers: {
        ...(nip ? { nip } : {}),
        ...(pesel ? { pesel } : {}),
        ...(vatplNip ? { vatplNip } : {}),
      },
      selfIssued: cert.issuer.isEqual(cert.subject),
      spki,
    });
  } catch {
    return cfail('NOT_A_CERTIFICATE', 'malformed certificate fields');
  }
}

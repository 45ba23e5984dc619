/**
 * Reading X.509 certificates that clients send (XAdES KeyInfo) or that the sandbox issued.
 * node:crypto's X509Certificate does the cryptography (signature, issuer, key); pkijs/asn1js read
 * the distinguished name attribute by attribute, because identity rules are written per OID
 * (REFERENCE §7: serialNumber 2.5.4.5, organizationIdentifier 2.5.4.97, …).
 */
import { createHash, type KeyObject, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

export const DN_OIDS = Object.freeze({
  commonName: '2.5.4.3',
  surname: '2.5.4.4',
  serialNumber: '2.5.4.5',
  countryName: '2.5.4.6',
  organizationName: '2.5.4.10',
  givenName: '2.5.4.42',
  uniqueIdentifier: '2.5.4.45',
  organizationIdentifier: '2.5.4.97',
});
export type DnAttributeName = keyof typeof DN_OIDS;

/** One attribute of a DN: the OID and its string value (whatever ASN.1 string type carried it). */
export type DnAttribute = { readonly oid: string; readonly value: string };

export type ParsedCertificate = {
  readonly der: Uint8Array;
  readonly x509: X509Certificate;
  /** SHA-256 of the DER, uppercase hex: KSeF's certificate fingerprint (REFERENCE §2.3). */
  readonly fingerprint: string;
  readonly serialHex: string;
  readonly serialDecimal: string;
  readonly subject: readonly DnAttribute[];
  readonly issuer: readonly DnAttribute[];
  readonly notBefore: number;
  readonly notAfter: number;
  readonly publicKey: KeyObject;
  readonly keyType: 'rsa' | 'rsa-pss' | 'ec' | 'other';
  readonly keyBits: number;
  readonly selfSigned: boolean;
};

const CURVE_BITS: Record<string, number> = {
  prime256v1: 256,
  secp256k1: 256,
  secp384r1: 384,
  secp521r1: 521,
  brainpoolP256r1: 256,
  brainpoolP384r1: 384,
  brainpoolP512r1: 512,
};

/** String value of an AttributeTypeAndValue, for any of the DirectoryString / IA5 / BIT STRING forms. */
function attributeValue(value: unknown): string {
  const block = (value as { valueBlock?: { value?: unknown; valueHexView?: Uint8Array } }).valueBlock;
  if (typeof block?.value === 'string') return block.value;
  if (block?.valueHexView) return Buffer.from(block.valueHexView).toString('utf8');
  return '';
}

export function readDn(name: pkijs.RelativeDistinguishedNames): DnAttribute[] {
  return name.typesAndValues.map((tv) => ({ oid: tv.type, value: attributeValue(tv.value) }));
}

export const dnValue = (dn: readonly DnAttribute[], attr: DnAttributeName): string | undefined =>
  dn.find((a) => a.oid === DN_OIDS[attr])?.value;

export const dnValues = (dn: readonly DnAttribute[], attr: DnAttributeName): string[] =>
  dn.filter((a) => a.oid === DN_OIDS[attr]).map((a) => a.value);

export type CertificateParseResult = { ok: true; value: ParsedCertificate } | { ok: false; reason: string };

export function parseCertificate(der: Uint8Array): CertificateParseResult {
  try {
    const x509 = new X509Certificate(Buffer.from(der));
    const asn = asn1js.fromBER(new Uint8Array(der).buffer);
    if (asn.offset === -1) return { ok: false, reason: 'not DER' };
    const cert = new pkijs.Certificate({ schema: asn.result });
    const publicKey = x509.publicKey;
    const type = publicKey.asymmetricKeyType;
    const details = publicKey.asymmetricKeyDetails ?? {};
    const keyType = type === 'rsa' || type === 'rsa-pss' || type === 'ec' ? type : 'other';
    const keyBits =
      keyType === 'ec' ? (CURVE_BITS[details.namedCurve ?? ''] ?? 0) : (details.modulusLength ?? 0);
    const serialHex = Buffer.from(cert.serialNumber.valueBlock.valueHexView).toString('hex').toUpperCase();
    let selfSigned = false;
    try {
      selfSigned = x509.checkIssued(x509) && x509.verify(publicKey);
    } catch {
      selfSigned = false;
    }
    return {
      ok: true,
      value: {
        der: new Uint8Array(der),
        x509,
        fingerprint: createHash('sha256').update(der).digest('hex').toUpperCase(),
        serialHex,
        serialDecimal: BigInt(`0x${serialHex || '0'}`).toString(10),
        subject: readDn(cert.subject),
        issuer: readDn(cert.issuer),
        notBefore: cert.notBefore.value.getTime(),
        notAfter: cert.notAfter.value.getTime(),
        publicKey,
        keyType,
        keyBits,
        selfSigned,
      },
    };
  } catch (e) {
    return { ok: false, reason: e instanceof Error ? e.message : 'unreadable certificate' };
  }
}

/** True when `cert` names `issuer` as its issuer and carries a valid signature by its key. */
export function isIssuedBy(cert: ParsedCertificate, issuer: X509Certificate): boolean {
  try {
    return cert.x509.checkIssued(issuer) && cert.x509.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

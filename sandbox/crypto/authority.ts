/**
 * The sandbox's own certificate authority ("Sandbox CCK KSeF") and the certificates it issues:
 *  - KSeF certificates shaped like the real TEST ones (REFERENCE §7.3): 8-byte serial (16 hex),
 *    subject = the CSR's subject as sent, the CSR's key, validity 2 years from `validFrom`,
 *    basicConstraints CA:FALSE, keyUsage digitalSignature (Authentication) or nonRepudiation
 *    (Offline), subject/authority key identifiers, issuer signature ECDSA P-384 with SHA-512;
 *  - the RSA-2048 encryption certificates published at /security/public-key-certificates.
 * pkijs builds the structures; node:crypto signs the TBS bytes synchronously (no pkijs crypto
 * engine: pkijs.setEngine would also change the product's pkijs running in the same process).
 */
import {
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  type KeyObject,
  sign as nodeSign,
  randomBytes,
} from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { DAY_MS, HOUR_MS } from '../domain/time.ts';

/** ecdsa-with-SHA512 (the real TEST CA "TI CCK KSeF" signs with P-384 and SHA-512, REFERENCE §7.3). */
const ECDSA_WITH_SHA512 = '1.2.840.10045.4.3.4';

export type Authority = {
  readonly certificateDer: Uint8Array;
  readonly certificatePem: string;
  readonly privateKey: KeyObject;
  readonly subject: pkijs.RelativeDistinguishedNames;
  readonly keyIdentifier: Uint8Array;
};

export type StoredAuthority = { certificate: string; privateKeyPkcs8: string };

const OID = Object.freeze({
  countryName: '2.5.4.6',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  commonName: '2.5.4.3',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
});

/** One attribute per RDN; countryName PrintableString, the rest UTF8String (as KSeF's own CA). */
function name(attributes: readonly [string, string][]): pkijs.RelativeDistinguishedNames {
  return new pkijs.RelativeDistinguishedNames({
    typesAndValues: attributes.map(
      ([type, value]) =>
        new pkijs.AttributeTypeAndValue({
          type,
          value:
            type === OID.countryName
              ? new asn1js.PrintableString({ value })
              : new asn1js.Utf8String({ value }),
        }),
    ),
  });
}

export const KEY_USAGE = Object.freeze({
  digitalSignature: 0x80,
  nonRepudiation: 0x40,
  keyEncipherment: 0x20,
  dataEncipherment: 0x10,
  keyCertSign: 0x04,
  cRLSign: 0x02,
});

function keyUsageExtension(bits: number): pkijs.Extension {
  // DER BIT STRING: the number of unused trailing bits is the count of trailing zero bits.
  let unusedBits = 0;
  while (unusedBits < 7 && ((bits >> unusedBits) & 1) === 0) unusedBits += 1;
  const value = new asn1js.BitString({ valueHex: new Uint8Array([bits]).buffer, unusedBits });
  return new pkijs.Extension({
    extnID: OID.keyUsage,
    critical: true,
    extnValue: value.toBER(false),
    parsedValue: value,
  });
}

function basicConstraints(ca: boolean): pkijs.Extension {
  const value = new pkijs.BasicConstraints({ cA: ca });
  return new pkijs.Extension({
    extnID: OID.basicConstraints,
    critical: true,
    extnValue: value.toSchema().toBER(false),
    parsedValue: value,
  });
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING contents. */
function keyIdentifierOf(spki: pkijs.PublicKeyInfo): Uint8Array {
  return new Uint8Array(createHash('sha1').update(spki.subjectPublicKey.valueBlock.valueHexView).digest());
}

function keyIdExtensions(spki: pkijs.PublicKeyInfo, issuerKeyId: Uint8Array): pkijs.Extension[] {
  const ski = new asn1js.OctetString({ valueHex: keyIdentifierOf(spki).slice().buffer });
  const aki = new pkijs.AuthorityKeyIdentifier({
    keyIdentifier: new asn1js.OctetString({ valueHex: issuerKeyId.slice().buffer }),
  });
  return [
    new pkijs.Extension({ extnID: OID.subjectKeyIdentifier, extnValue: ski.toBER(false), parsedValue: ski }),
    new pkijs.Extension({
      extnID: OID.authorityKeyIdentifier,
      extnValue: aki.toSchema().toBER(false),
      parsedValue: aki,
    }),
  ];
}

/** A positive 8-byte serial whose 16-hex form has no sign padding (REFERENCE §2.3, §7.3). */
export function newSerial(): Uint8Array {
  const bytes = randomBytes(8);
  bytes[0] = ((bytes[0] ?? 1) & 0x7f) | 0x01;
  return new Uint8Array(bytes);
}

const toPem = (der: Uint8Array, label: string) =>
  `-----BEGIN ${label}-----\n${(
    Buffer.from(der)
      .toString('base64')
      .match(/.{1,64}/g) ?? []
  ).join('\n')}\n-----END ${label}-----\n`;

function signWithAuthority(cert: pkijs.Certificate, key: KeyObject): Uint8Array {
  const algorithm = new pkijs.AlgorithmIdentifier({ algorithmId: ECDSA_WITH_SHA512 });
  cert.signature = algorithm;
  cert.signatureAlgorithm = new pkijs.AlgorithmIdentifier({ algorithmId: ECDSA_WITH_SHA512 });
  const tbs = new Uint8Array(cert.encodeTBS().toBER(false));
  // node:crypto returns the DER ECDSA signature that X.509 wants (RFC 3279).
  const signature = new Uint8Array(nodeSign('sha512', tbs, key));
  cert.tbsView = tbs;
  cert.signatureValue = new asn1js.BitString({ valueHex: signature.slice().buffer });
  return new Uint8Array(cert.toSchema().toBER(false));
}

export function createAuthority(nowMs: number): Authority {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
  const subject = name([
    [OID.countryName, 'PL'],
    [OID.organizationName, 'KSeF Sandbox'],
    [OID.organizationalUnitName, 'KSeF Wallet (lokalnie)'],
    [OID.commonName, 'Sandbox CCK KSeF'],
  ]);
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ valueHex: newSerial().slice().buffer });
  cert.issuer = subject;
  cert.subject = subject;
  cert.notBefore.value = new Date(nowMs - HOUR_MS);
  cert.notAfter.value = new Date(nowMs + 10 * 365 * DAY_MS);
  cert.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(publicKey.export({ type: 'spki', format: 'der' }));
  const keyId = keyIdentifierOf(cert.subjectPublicKeyInfo);
  const ski = new asn1js.OctetString({ valueHex: keyId.slice().buffer });
  cert.extensions = [
    basicConstraints(true),
    keyUsageExtension(KEY_USAGE.keyCertSign | KEY_USAGE.cRLSign),
    new pkijs.Extension({ extnID: OID.subjectKeyIdentifier, extnValue: ski.toBER(false), parsedValue: ski }),
  ];
  const der = signWithAuthority(cert, privateKey);
  return {
    certificateDer: der,
    certificatePem: toPem(der, 'CERTIFICATE'),
    privateKey,
    subject,
    keyIdentifier: keyId,
  };
}

export function exportAuthority(ca: Authority): StoredAuthority {
  return {
    certificate: Buffer.from(ca.certificateDer).toString('base64'),
    privateKeyPkcs8: ca.privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64'),
  };
}

export function importAuthority(stored: StoredAuthority): Authority {
  const der = new Uint8Array(Buffer.from(stored.certificate, 'base64'));
  const cert = pkijs.Certificate.fromBER(der);
  const privateKey = createPrivateKey({
    key: Buffer.from(stored.privateKeyPkcs8, 'base64'),
    format: 'der',
    type: 'pkcs8',
  });
  return {
    certificateDer: der,
    certificatePem: toPem(der, 'CERTIFICATE'),
    privateKey,
    subject: cert.subject,
    keyIdentifier: keyIdentifierOf(cert.subjectPublicKeyInfo),
  };
}

export type IssueRequest = {
  /** The subject as the CSR carried it (attribute order and string types kept). */
  subject: pkijs.RelativeDistinguishedNames;
  publicKeyInfo: pkijs.PublicKeyInfo;
  serial: Uint8Array;
  notBefore: number;
  notAfter: number;
  keyUsage: number;
};

export function issueCertificate(ca: Authority, req: IssueRequest): Uint8Array {
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ valueHex: req.serial.slice().buffer });
  cert.issuer = ca.subject;
  cert.subject = req.subject;
  cert.notBefore.value = new Date(req.notBefore);
  cert.notAfter.value = new Date(req.notAfter);
  cert.subjectPublicKeyInfo = req.publicKeyInfo;
  cert.extensions = [
    basicConstraints(false),
    keyUsageExtension(req.keyUsage),
    ...keyIdExtensions(req.publicKeyInfo, ca.keyIdentifier),
  ];
  return signWithAuthority(cert, ca.privateKey);
}

/** The name of an encryption certificate (the real ones say `CN=Ministerstwo Finansów`). */
export const encryptionCertificateSubject = (
  usage: string,
  index: number,
): pkijs.RelativeDistinguishedNames =>
  name([
    [OID.countryName, 'PL'],
    [OID.organizationName, 'KSeF Sandbox'],
    [OID.commonName, `KSeF Sandbox ${usage} ${index}`],
  ]);

export const publicKeyInfoFromSpki = (spkiDer: Uint8Array): pkijs.PublicKeyInfo =>
  pkijs.PublicKeyInfo.fromBER(spkiDer.slice().buffer);

export { toPem };

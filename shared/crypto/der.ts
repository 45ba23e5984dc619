/**
 * Small DER building blocks shared by the CSR, the test certificate and the X.509 reader.
 *
 * Why we build Names and AlgorithmIdentifiers ourselves with asn1js instead of letting pkijs do it:
 * pkijs 4 writes every attribute of a `RelativeDistinguishedNames` into ONE multi-valued RDN and
 * omits the NULL parameters of RSA algorithm identifiers (TOOLING.md "Library defects"). KSeF compares
 * the CSR DN with the enrollment data (REFERENCE §8), and RFC 4055 §5 requires the NULL, so both must
 * be exact.
 *
 *   Name ::= SEQUENCE OF RelativeDistinguishedName
 *   RelativeDistinguishedName ::= SET SIZE (1..MAX) OF AttributeTypeAndValue   -- we always use SIZE 1
 *   AttributeTypeAndValue ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY }
 *   AlgorithmIdentifier ::= SEQUENCE { algorithm OBJECT IDENTIFIER, parameters ANY OPTIONAL }
 */
import * as asn1js from 'asn1js';
import { ok, type Result } from '../result.ts';
import { buf, concatBytes } from './encoding.ts';
import { type CryptoError, cfail } from './errors.ts';

export const OID = Object.freeze({
  commonName: '2.5.4.3',
  surname: '2.5.4.4',
  serialNumber: '2.5.4.5',
  countryName: '2.5.4.6',
  localityName: '2.5.4.7',
  stateOrProvinceName: '2.5.4.8',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  title: '2.5.4.12',
  givenName: '2.5.4.42',
  uniqueIdentifier: '2.5.4.45',
  organizationIdentifier: '2.5.4.97',
  emailAddress: '1.2.840.113549.1.9.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  rsassaPss: '1.2.840.113549.1.1.10',
  ecPublicKey: '1.2.840.10045.2.1',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  ecdsaWithSHA384: '1.2.840.10045.4.3.3',
  ecdsaWithSHA512: '1.2.840.10045.4.3.4',
  p256: '1.2.840.10045.3.1.7',
  p384: '1.3.132.0.34',
  p521: '1.3.132.0.35',
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
} as const);

/** Attributes that X.520 / RFC 5280 restrict to PrintableString; KSeF's own CSRs do the same (§8). */
const PRINTABLE_ONLY: ReadonlySet<string> = new Set([OID.countryName, OID.serialNumber]);

export type NameAttribute = { readonly oid: string; readonly value: string };

/** Limits for untrusted DER: a crafted certificate must not exhaust memory or the stack. */
const BER_LIMITS = Object.freeze({ maxDepth: 32, maxNodes: 5000 });
export const MAX_DER_BYTES = 64 * 1024;

export function parseDer(bytes: Uint8Array): Result<asn1js.AsnType, CryptoError> {
  if (bytes.length > MAX_DER_BYTES) return cfail('INPUT_TOO_LARGE', `DER over ${MAX_DER_BYTES} bytes`);
  if (bytes.length === 0) return cfail('BAD_DER', 'empty');
  let parsed: ReturnType<typeof asn1js.fromBER>;
  try {
    parsed = asn1js.fromBER(buf(bytes), BER_LIMITS);
  } catch {
    return cfail('BAD_DER', 'undecodable');
  }
  if (parsed.offset === -1 || parsed.result.error) return cfail('BAD_DER', 'undecodable');
  if (parsed.offset !== bytes.length) return cfail('BAD_DER', 'trailing bytes after the DER value');
  return ok(parsed.result);
}

const PRINTABLE = /^[A-Za-z0-9 '()+,\-./:=?]*$/;

export function encodeName(attrs: readonly NameAttribute[]): Result<asn1js.Sequence, CryptoError> {
  const rdns: asn1js.Set[] = [];
  for (const a of attrs) {
    if (a.value.length === 0 || a.value.length > 256) {
      return cfail('CSR_BAD_ENROLLMENT_DATA', `attribute ${a.oid} is empty or too long`);
    }
    let value: asn1js.BaseBlock;
    if (PRINTABLE_ONLY.has(a.oid)) {
      if (!PRINTABLE.test(a.value)) {
        return cfail('CSR_BAD_ENROLLMENT_DATA', `attribute ${a.oid} must be a PrintableString`);
      }
      value = new asn1js.PrintableString({ value: a.value });
    } else {
      value = new asn1js.Utf8String({ value: a.value });
    }
    rdns.push(
      new asn1js.Set({
        value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: a.oid }), value] })],
      }),
    );
  }
  return ok(new asn1js.Sequence({ value: rdns }));
}

export type SigningAlgorithm = 'RSA-2048' | 'ECDSA-P256';

/** sha256WithRSAEncryption with explicit NULL parameters (RFC 4055 §5), or ecdsa-with-SHA256 without. */
export function signatureAlgorithmId(alg: SigningAlgorithm): asn1js.Sequence {
  return alg === 'RSA-2048'
    ? new asn1js.Sequence({
        value: [new asn1js.ObjectIdentifier({ value: OID.sha256WithRSAEncryption }), new asn1js.Null()],
      })
    : new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: OID.ecdsaWithSHA256 })] });
}

export const toDer = (block: asn1js.BaseBlock): Uint8Array => new Uint8Array(block.toBER(false));

/** A DER value that is already encoded, spliced in unchanged (e.g. the SPKI from `exportKey`). */
export function rawDer(bytes: Uint8Array): asn1js.BaseBlock {
  const parsed = asn1js.fromBER(buf(bytes));
  if (parsed.offset === -1) throw new Error('programmer error: rawDer of invalid DER');
  return parsed.result;
}

function derUnsignedInteger(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  let v = bytes.subarray(i);
  if ((v[0] ?? 0) & 0x80) v = concatBytes(Uint8Array.of(0), v);
  return concatBytes(Uint8Array.of(0x02, v.length), v);
}

/**
 * Web Crypto ECDSA returns IEEE P1363 `r||s`; X.509 and PKCS#10 need `ECDSA-Sig-Value ::= SEQUENCE {
 * r INTEGER, s INTEGER }` (RFC 3279 §2.2.3). XML DSig keeps r||s (REFERENCE §6.2) — do not mix them up.
 */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  const body = concatBytes(derUnsignedInteger(raw.subarray(0, half)), derUnsignedInteger(raw.subarray(half)));
  return concatBytes(Uint8Array.of(0x30, body.length), body);
}

export async function signDer(
  subtle: SubtleCrypto,
  alg: SigningAlgorithm,
  privateKey: CryptoKey,
  data: Uint8Array,
): Promise<Uint8Array> {
  if (alg === 'RSA-2048') {
    return new Uint8Array(await subtle.sign({ name: 'RSASSA-PKCS1-v1_5' }, privateKey, buf(data)));
  }
  const raw = new Uint8Array(await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, buf(data)));
  return ecdsaRawToDer(raw);
}

export function algorithmOfKey(key: CryptoKey): SigningAlgorithm | undefined {
  const a = key.algorithm as { name: string; namedCurve?: string; modulusLength?: number };
  if (a.name === 'RSASSA-PKCS1-v1_5' && a.modulusLength === 2048) return 'RSA-2048';
  if (a.name === 'ECDSA' && a.namedCurve === 'P-256') return 'ECDSA-P256';
  return undefined;
}

/**
 * XAdES-BES enveloped signature over an AuthTokenRequest we built from a challenge we fetched — the
 * only thing this wallet signs (SECURITY.md T10: no generic sign API). Profile (REFERENCE §6.2/§6.3):
 * exclusive C14N for SignedInfo and both references, SHA-256 digests, rsa-sha256 or ecdsa-sha256 with
 * an r||s value, SignedProperties referenced with its Type, SigningTime one minute in the past (clock
 * skew), SigningCertificate = CertDigest(SHA-256 of the DER) + IssuerSerial (decimal serial), KeyInfo
 * with the certificate.
 *
 * Order matters: the Signature element is placed first, then the document digest is taken with it
 * excluded (enveloped-signature transform), exactly what a verifier will do.
 */
import type { Clock } from '../platform.ts';
import { ok } from '../result.ts';
import {
  type AuthTokenRequestInput,
  authTokenRequestTree,
  CHALLENGE_LIFETIME_MS,
  validateAuthTokenRequestInput,
  XML_DECLARATION,
} from './auth-token-request.ts';
import { C14N, canonicalize } from './c14n.ts';
import { algorithmOfKey } from './der.ts';
import { buf, sha256, toBase64, utf8 } from './encoding.ts';
import { type CryptoResult, cfail } from './errors.ts';
import { readCertificate } from './x509-reader.ts';
import { appendChild, element, NS, serialize, type XElement } from './xml-tree.ts';

export const XMLDSIG = Object.freeze({
  SHA256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  RSA_SHA256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  ECDSA_SHA256: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
  ENVELOPED: 'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
  SIGNED_PROPERTIES_TYPE: 'http://uri.etsi.org/01903#SignedProperties',
});

export const SIGNING = Object.freeze({
  /** SigningTime lies this far in the past (the C# client does the same, REFERENCE §6.3 point 6). */
  SIGNING_TIME_BACKDATE_MS: 60_000,
  /** Sign only with at least this much challenge lifetime left (SECURITY.md §4). */
  MIN_CHALLENGE_LEFT_MS: 60_000,
  SIGNATURE_ID: 'Signature',
  SIGNED_PROPERTIES_ID: 'SignedProperties',
});

export type SignerInput = AuthTokenRequestInput & {
  /** `timestampMs` of the challenge, when known: refuses to sign one that is about to expire. */
  readonly challengeTimestampMs?: number;
  readonly signer: { readonly privateKey: CryptoKey; readonly certificateDer: Uint8Array };
};

const xmlTime = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');

const ds = (local: string, attrs: Record<string, string> = {}, children: (XElement | string)[] = []) =>
  element(`ds:${local}`, attrs, children);
const xades = (local: string, attrs: Record<string, string> = {}, children: (XElement | string)[] = []) =>
  element(`xades:${local}`, attrs, children);

async function digestOf(subtle: SubtleCrypto, canonical: string): Promise<string> {
  return toBase64(await sha256(subtle, utf8(canonical)));
}

/** Builds the AuthTokenRequest for this challenge and signs it; returns the exact bytes to submit. */
export async function buildSignedAuthTokenRequest(
  deps: { readonly subtle: SubtleCrypto; readonly clock: Pick<Clock, 'now'> },
  input: SignerInput,
): Promise<CryptoResult<string>> {
  const { subtle, clock } = deps;
  const valid = validateAuthTokenRequestInput(input);
  if (!valid.ok) return valid;
  const now = clock.now();
  if (
    input.challengeTimestampMs !== undefined &&
    now > input.challengeTimestampMs + CHALLENGE_LIFETIME_MS - SIGNING.MIN_CHALLENGE_LEFT_MS
  ) {
    return cfail('AUTH_REQUEST_CHALLENGE_EXPIRED', 'less than a minute of the challenge left');
  }
  const alg = algorithmOfKey(input.signer.privateKey);
  if (!alg) return cfail('UNSUPPORTED_KEY', 'RSA-2048 or P-256 only');
  const cert = await readCertificate(subtle, input.signer.certificateDer);
  if (!cert.ok) return cert;

  const root = authTokenRequestTree(input);
  const sp = xades('SignedProperties', { Id: SIGNING.SIGNED_PROPERTIES_ID }, [
    xades('SignedSignatureProperties', {}, [
      xades('SigningTime', {}, [xmlTime(now - SIGNING.SIGNING_TIME_BACKDATE_MS)]),
      xades('SigningCertificate', {}, [
        xades('Cert', {}, [
          xades('CertDigest', {}, [
            ds('DigestMethod', { Algorithm: XMLDSIG.SHA256 }),
            ds('DigestValue', {}, [toBase64(await sha256(subtle, input.signer.certificateDer))]),
          ]),
          xades('IssuerSerial', {}, [
            ds('X509IssuerName', {}, [cert.value.issuerName]),
            ds('X509SerialNumber', {}, [cert.value.serialDecimal]),
          ]),
        ]),
      ]),
    ]),
  ]);
  const qualifying = xades(
    'QualifyingProperties',
    { 'xmlns:xades': NS.XADES, Target: `#${SIGNING.SIGNATURE_ID}` },
    [sp],
  );
  const docDigest = ds('DigestValue');
  const spDigest = ds('DigestValue');
  const signedInfo = ds('SignedInfo', {}, [
    ds('CanonicalizationMethod', { Algorithm: C14N.EXCLUSIVE }),
    ds('SignatureMethod', { Algorithm: alg === 'RSA-2048' ? XMLDSIG.RSA_SHA256 : XMLDSIG.ECDSA_SHA256 }),
    ds('Reference', { URI: '' }, [
      ds('Transforms', {}, [
        ds('Transform', { Algorithm: XMLDSIG.ENVELOPED }),
        ds('Transform', { Algorithm: C14N.EXCLUSIVE }),
      ]),
      ds('DigestMethod', { Algorithm: XMLDSIG.SHA256 }),
      docDigest,
    ]),
    ds('Reference', { URI: `#${SIGNING.SIGNED_PROPERTIES_ID}`, Type: XMLDSIG.SIGNED_PROPERTIES_TYPE }, [
      ds('Transforms', {}, [ds('Transform', { Algorithm: C14N.EXCLUSIVE })]),
      ds('DigestMethod', { Algorithm: XMLDSIG.SHA256 }),
      spDigest,
    ]),
  ]);
  const signatureValue = ds('SignatureValue');
  const signature = ds('Signature', { 'xmlns:ds': NS.DS, Id: SIGNING.SIGNATURE_ID }, [
    signedInfo,
    signatureValue,
    ds('KeyInfo', {}, [
      ds('X509Data', {}, [ds('X509Certificate', {}, [toBase64(input.signer.certificateDer)])]),
    ]),
    ds('Object', {}, [qualifying]),
  ]);
  appendChild(root, signature);

  const exc = { exclusive: true } as const;
  appendChild(spDigest, { kind: 'text', value: await digestOf(subtle, canonicalize(sp, exc)) });
  appendChild(docDigest, { kind: 'text', value: await digestOf(subtle, canonicalize(root, exc, signature)) });
  const signedBytes = utf8(canonicalize(signedInfo, exc));
  let sigBytes: Uint8Array;
  try {
    const params = alg === 'RSA-2048' ? { name: 'RSASSA-PKCS1-v1_5' } : { name: 'ECDSA', hash: 'SHA-256' };
    // Web Crypto ECDSA output is already IEEE P1363 r||s, which XML DSig wants (REFERENCE §6.2).
    sigBytes = new Uint8Array(await subtle.sign(params, input.signer.privateKey, buf(signedBytes)));
    // A certificate that does not belong to the key would be refused by KSeF with a vague 9105;
    // checking here names the real problem.
    const pub = await subtle.importKey(
      'spki',
      buf(cert.value.spki),
      alg === 'RSA-2048'
        ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }
        : { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['verify'],
    );
    if (!(await subtle.verify(params, pub, buf(sigBytes), buf(signedBytes)))) {
      return cfail('SIGNATURE_CERTIFICATE_MISMATCH', 'the certificate does not belong to the signing key');
    }
  } catch {
    return cfail('SIGNING_FAILED');
  }
  appendChild(signatureValue, { kind: 'text', value: toBase64(sigBytes) });
  return ok(`${XML_DECLARATION}${serialize(root)}`);
}

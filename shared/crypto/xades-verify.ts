/**
 * Checks a signed AuthTokenRequest that a user picked (signed outside the wallet: qualified
 * signature, seal, Profil Zaufany, any XAdES tool — REFERENCE §5.2) so that the user learns BEFORE
 * submission what KSeF would refuse, with the element named: wrong or expired challenge, wrong
 * context, no or several signatures, a reference digest that no longer matches ("signature broken at
 * SignedProperties"), a signature value that does not verify, no XAdES SignedProperties, or a
 * SigningCertificate that is not the KeyInfo certificate (REFERENCE §6.2, §11 XAdES submission).
 *
 *   <ds:Signature> <ds:SignedInfo> CanonicalizationMethod, SignatureMethod, Reference+ </ds:SignedInfo>
 *     <ds:SignatureValue/> <ds:KeyInfo><ds:X509Data><ds:X509Certificate/>… </ds:KeyInfo>
 *     <ds:Object><xades:QualifyingProperties><xades:SignedProperties Id=…>…
 *
 * Supported (a subset of KSeF's list that Web Crypto can verify): same-document references (URI=""
 * and "#id"); transforms enveloped-signature and exclusive / inclusive C14N 1.0 / 1.1; digests
 * SHA-1/256/384/512; rsa-sha*, sha*-rsa-MGF1 (PSS), ecdsa-sha*. Anything else (XPath transforms,
 * SHA-3) is reported as SIGNATURE_UNSUPPORTED_ALGORITHM: "we cannot check it", not "it is broken".
 */
import { ok } from '../result.ts';
import {
  CHALLENGE_LIFETIME_MS,
  type ContextIdentifier,
  type ParsedAuthTokenRequest,
  readAuthTokenRequest,
} from './auth-token-request.ts';
import { type C14nMode, c14nModeOf, canonicalize } from './c14n.ts';
import { buf, bytesEqual, fromBase64, utf8 } from './encoding.ts';
import { type CryptoResult, cfail } from './errors.ts';
import { type CertificateInfo, readCertificate } from './x509-reader.ts';
import {
  descendants,
  elementChildren,
  is,
  localOf,
  lookupNs,
  NS,
  parseXml,
  textOf,
  type XElement,
} from './xml-tree.ts';

const DIGESTS: Readonly<Record<string, string>> = Object.freeze({
  'http://www.w3.org/2000/09/xmldsig#sha1': 'SHA-1',
  'http://www.w3.org/2001/04/xmlenc#sha256': 'SHA-256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384': 'SHA-384',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'SHA-512',
});

type SigAlg = { readonly key: 'RSA' | 'RSA-PSS' | 'EC'; readonly hash: string };
const SIGNATURE_METHODS: Readonly<Record<string, SigAlg>> = Object.freeze({
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1': { key: 'RSA', hash: 'SHA-1' },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': { key: 'RSA', hash: 'SHA-256' },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384': { key: 'RSA', hash: 'SHA-384' },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': { key: 'RSA', hash: 'SHA-512' },
  'http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1': { key: 'RSA-PSS', hash: 'SHA-256' },
  'http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1': { key: 'RSA-PSS', hash: 'SHA-384' },
  'http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1': { key: 'RSA-PSS', hash: 'SHA-512' },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1': { key: 'EC', hash: 'SHA-1' },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256': { key: 'EC', hash: 'SHA-256' },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384': { key: 'EC', hash: 'SHA-384' },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512': { key: 'EC', hash: 'SHA-512' },
});

const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const XPATH = 'http://www.w3.org/TR/1999/REC-xpath-19991116';
const XPATH_FILTER2 = 'http://www.w3.org/2002/06/xmldsig-filter2';

/**
 * KSeF also accepts the two XPath spellings of "everything but the signature" that EU DSS and older
 * signing tools emit (REFERENCE §6.2). Without an XPath engine, exactly those two expressions are
 * recognised; any other XPath is reported as unsupported rather than guessed at.
 */
function isEnvelopedXPath(transform: XElement, alg: string): boolean {
  if (alg !== XPATH && alg !== XPATH_FILTER2) return false;
  const xpaths = elementChildren(transform).filter((c) => localOf(c.name) === 'XPath');
  if (xpaths.length !== 1) return false;
  const x = xpaths[0]!;
  const expr = textOf(x).replace(/\s+/g, '');
  const m = /^(?:not\(ancestor-or-self::|\/descendant::)(?:([A-Za-z_][\w.-]*):)?Signature\)?$/.exec(expr);
  if (!m || lookupNs(x, m[1] ?? '') !== NS.DS) return false;
  if (alg === XPATH) return expr.startsWith('not(') && expr.endsWith(')');
  return !expr.startsWith('not(') && !expr.endsWith(')') && attr(x, 'Filter') === 'subtract';
}
const SIGNED_PROPERTIES_TYPES: ReadonlySet<string> = new Set([
  'http://uri.etsi.org/01903#SignedProperties',
  'http://uri.etsi.org/01903/v1.3.2#SignedProperties',
]);
const HASH_BYTES: Readonly<Record<string, number>> = Object.freeze({
  'SHA-1': 20,
  'SHA-256': 32,
  'SHA-384': 48,
  'SHA-512': 64,
});

export type AuthRequestExpectations = {
  readonly nowMs: number;
  readonly challenge?: string;
  /** `timestampMs` of the challenge, when the wallet fetched it; otherwise only its date is known. */
  readonly challengeTimestampMs?: number;
  readonly context?: ContextIdentifier;
};

export type VerifiedAuthTokenRequest = Omit<ParsedAuthTokenRequest, 'signatures'> & {
  readonly signerCertificate: CertificateInfo;
  readonly signatureMethod: string;
  readonly signingTime?: string;
};

const one = (el: XElement, ns: string, local: string): XElement | undefined => {
  const found = elementChildren(el).filter((c) => is(c, ns, local));
  return found.length === 1 ? found[0] : undefined;
};
const contains = (outer: XElement, inner: XElement): boolean => {
  for (let e: XElement | undefined = inner; e; e = e.parent) if (e === outer) return true;
  return false;
};
const attr = (el: XElement, name: string) => el.attrs.find((a) => a.name === name)?.value;
const malformed = (detail: string, element?: string) => cfail('SIGNATURE_MALFORMED', detail, element);

function findById(root: XElement, id: string): XElement[] {
  return [root, ...descendants(root)].filter((e) => ['Id', 'ID', 'id'].some((n) => attr(e, n) === id));
}

function challengeExpired(challenge: string, exp: AuthRequestExpectations): boolean {
  if (exp.challengeTimestampMs !== undefined)
    return exp.nowMs > exp.challengeTimestampMs + CHALLENGE_LIFETIME_MS;
  // Without the timestamp only the YYYYMMDD prefix is known: a challenge from a day that ended more
  // than ten minutes ago cannot still be alive.
  const y = Number(challenge.slice(0, 4));
  const m = Number(challenge.slice(4, 6));
  const d = Number(challenge.slice(6, 8));
  const endOfDay = Date.UTC(y, m - 1, d + 1);
  return Number.isNaN(endOfDay) || exp.nowMs > endOfDay + CHALLENGE_LIFETIME_MS;
}

async function verifyReference(subtle: SubtleCrypto, root: XElement, signature: XElement, ref: XElement) {
  const uri = attr(ref, 'URI');
  if (uri === undefined) return malformed('Reference without URI');
  let target: XElement;
  if (uri === '') target = root;
  else if (uri.startsWith('#')) {
    const found = findById(root, uri.slice(1));
    if (found.length !== 1)
      return cfail('SIGNATURE_REFERENCE_NOT_FOUND', `${found.length} elements with Id ${uri}`, uri);
    target = found[0]!;
  } else return cfail('SIGNATURE_UNSUPPORTED_ALGORITHM', 'external reference', uri);
  const elementName = localOf(target.name);
  let enveloped = false;
  let mode: C14nMode = { exclusive: false };
  const transforms = one(ref, NS.DS, 'Transforms');
  for (const t of transforms ? elementChildren(transforms) : []) {
    const alg = attr(t, 'Algorithm') ?? '';
    if (alg === ENVELOPED || isEnvelopedXPath(t, alg)) {
      enveloped = true;
      continue;
    }
    const prefixes = elementChildren(t)
      .filter((c) => localOf(c.name) === 'InclusiveNamespaces')
      .flatMap((c) => (attr(c, 'PrefixList') ?? '').split(/\s+/).filter(Boolean));
    const m = c14nModeOf(alg, prefixes);
    if (!m) return cfail('SIGNATURE_UNSUPPORTED_ALGORITHM', `transform ${alg}`, elementName);
    mode = m;
  }
  const digestAlg = DIGESTS[attr(one(ref, NS.DS, 'DigestMethod') ?? ref, 'Algorithm') ?? ''];
  if (!digestAlg) return cfail('SIGNATURE_UNSUPPORTED_ALGORITHM', 'digest method', elementName);
  const expected = fromBase64(textOf(one(ref, NS.DS, 'DigestValue') ?? ref), 1024);
  if (!expected.ok) return malformed('DigestValue is not Base64', elementName);
  const canonical = canonicalize(target, mode, enveloped ? signature : undefined);
  const actual = new Uint8Array(await subtle.digest(digestAlg, buf(utf8(canonical))));
  if (!bytesEqual(actual, expected.value)) {
    return cfail('SIGNATURE_DIGEST_MISMATCH', `digest of ${elementName} does not match`, elementName);
  }
  return ok({ target, type: attr(ref, 'Type') });
}

async function checkSigningCertificate(subtle: SubtleCrypto, sp: XElement, cert: CertificateInfo) {
  const all = [...descendants(sp)];
  const certs = all.filter(
    (e) => is(e, NS.XADES, 'SigningCertificate') || is(e, NS.XADES, 'SigningCertificateV2'),
  );
  if (certs.length !== 1)
    return cfail('SIGNATURE_NOT_XADES', 'no SigningCertificate in SignedProperties', 'SignedProperties');
  const first = elementChildren(certs[0]!).find((c) => is(c, NS.XADES, 'Cert'));
  const digestEl = first ? one(first, NS.XADES, 'CertDigest') : undefined;
  if (!first || !digestEl)
    return cfail('SIGNATURE_NOT_XADES', 'SigningCertificate without CertDigest', 'SigningCertificate');
  const alg = DIGESTS[attr(one(digestEl, NS.DS, 'DigestMethod') ?? digestEl, 'Algorithm') ?? ''];
  if (!alg) return cfail('SIGNATURE_UNSUPPORTED_ALGORITHM', 'CertDigest method', 'CertDigest');
  const expected = fromBase64(textOf(one(digestEl, NS.DS, 'DigestValue') ?? digestEl), 1024);
  const actual = new Uint8Array(await subtle.digest(alg, buf(cert.der)));
  if (!expected.ok || !bytesEqual(expected.value, actual)) {
    return cfail(
      'SIGNATURE_CERTIFICATE_MISMATCH',
      'CertDigest is not the digest of the KeyInfo certificate',
      'CertDigest',
    );
  }
  const serial = [...descendants(first)].find((e) => is(e, NS.DS, 'X509SerialNumber'));
  if (serial && textOf(serial).trim() !== cert.serialDecimal) {
    return cfail(
      'SIGNATURE_CERTIFICATE_MISMATCH',
      'X509SerialNumber differs from the certificate',
      'IssuerSerial',
    );
  }
  return ok(true);
}

function importParams(
  alg: SigAlg,
  cert: CertificateInfo,
): RsaHashedImportParams | EcKeyImportParams | undefined {
  if (alg.key === 'EC')
    return cert.key.type === 'EC' ? { name: 'ECDSA', namedCurve: cert.key.curve } : undefined;
  if (cert.key.type !== 'RSA') return undefined;
  return { name: alg.key === 'RSA' ? 'RSASSA-PKCS1-v1_5' : 'RSA-PSS', hash: alg.hash };
}

/** Parses, validates and cryptographically checks a signed AuthTokenRequest. */
export async function parseSignedAuthTokenRequest(
  subtle: SubtleCrypto,
  xml: string,
  expect: AuthRequestExpectations,
): Promise<CryptoResult<VerifiedAuthTokenRequest>> {
  const tree = parseXml(xml);
  if (!tree.ok) return tree;
  const root = tree.value;
  // Enveloped: the Signature is the last child of AuthTokenRequest. Enveloping (also accepted by
  // KSeF, REFERENCE §6.2): the Signature is the root and the request sits in one of its ds:Object.
  const enveloping = is(root, NS.DS, 'Signature');
  const requestRoots = enveloping
    ? elementChildren(root)
        .filter((o) => is(o, NS.DS, 'Object'))
        .flatMap((o) => elementChildren(o).filter((e) => localOf(e.name) === 'AuthTokenRequest'))
    : [root];
  if (requestRoots.length !== 1) {
    return cfail('XML_WRONG_NAMESPACE', 'the signature envelops no AuthTokenRequest, or several');
  }
  const requestRoot = requestRoots[0]!;
  const req = readAuthTokenRequest(requestRoot);
  if (!req.ok) return req;
  const allSignatures = [root, ...descendants(root)].filter((e) => is(e, NS.DS, 'Signature'));
  if (allSignatures.length === 0) return cfail('AUTH_REQUEST_NOT_SIGNED', 'no ds:Signature');
  if (allSignatures.length > 1)
    return cfail('AUTH_REQUEST_MULTIPLE_SIGNATURES', `${allSignatures.length} signatures`);
  const signature = enveloping ? root : req.value.signatures[0];
  if (!signature) return malformed('the signature is neither enveloped nor enveloping', 'Signature');

  if (expect.challenge !== undefined && req.value.challenge !== expect.challenge) {
    return cfail('AUTH_REQUEST_WRONG_CHALLENGE', 'the file was signed for another challenge', 'Challenge');
  }
  if (challengeExpired(req.value.challenge, expect)) {
    return cfail('AUTH_REQUEST_CHALLENGE_EXPIRED', 'the challenge is older than 10 minutes', 'Challenge');
  }
  if (
    expect.context &&
    (req.value.context.type !== expect.context.type || req.value.context.value !== expect.context.value)
  ) {
    return cfail(
      'AUTH_REQUEST_WRONG_CONTEXT',
      `signed for ${req.value.context.type} ${req.value.context.value}`,
      'ContextIdentifier',
    );
  }

  const signedInfo = one(signature, NS.DS, 'SignedInfo');
  const sigValueEl = one(signature, NS.DS, 'SignatureValue');
  if (!signedInfo || !sigValueEl) return malformed('SignedInfo and SignatureValue are required', 'Signature');
  const c14nAlg = attr(one(signedInfo, NS.DS, 'CanonicalizationMethod') ?? signedInfo, 'Algorithm') ?? '';
  const siPrefixes = elementChildren(one(signedInfo, NS.DS, 'CanonicalizationMethod') ?? signedInfo)
    .filter((c) => localOf(c.name) === 'InclusiveNamespaces')
    .flatMap((c) => (attr(c, 'PrefixList') ?? '').split(/\s+/).filter(Boolean));
  const siMode = c14nModeOf(c14nAlg, siPrefixes);
  if (!siMode) return cfail('SIGNATURE_UNSUPPORTED_ALGORITHM', `canonicalization ${c14nAlg}`, 'SignedInfo');
  const methodUri = attr(one(signedInfo, NS.DS, 'SignatureMethod') ?? signedInfo, 'Algorithm') ?? '';
  const method = SIGNATURE_METHODS[methodUri];
  if (!method)
    return cfail('SIGNATURE_UNSUPPORTED_ALGORITHM', `signature method ${methodUri}`, 'SignatureMethod');

  const certEl = [...descendants(one(signature, NS.DS, 'KeyInfo') ?? signature)].find((e) =>
    is(e, NS.DS, 'X509Certificate'),
  );
  if (!certEl) return malformed('KeyInfo carries no X509Certificate', 'KeyInfo');
  const certDer = fromBase64(textOf(certEl));
  if (!certDer.ok) return certDer;
  const cert = await readCertificate(subtle, certDer.value);
  if (!cert.ok) return cert;
  if ((cert.value.key.type === 'RSA' && cert.value.key.bits < 2048) || cert.value.key.type === 'other') {
    return cfail('SIGNATURE_KEY_TOO_WEAK', 'RSA keys need at least 2048 bits', 'X509Certificate');
  }

  const refs = elementChildren(signedInfo).filter((e) => is(e, NS.DS, 'Reference'));
  if (refs.length === 0) return malformed('SignedInfo has no Reference', 'SignedInfo');
  let documentCovered = false;
  let signedProperties: XElement | undefined;
  for (const ref of refs) {
    const r = await verifyReference(subtle, root, signature, ref);
    if (!r.ok) return r;
    // The signed node-set must contain the whole request (the root when enveloped, its ds:Object when
    // enveloping) — a reference to some other element would leave the request unsigned.
    if (contains(r.value.target, requestRoot)) documentCovered = true;
    if (is(r.value.target, NS.XADES, 'SignedProperties')) {
      if (!SIGNED_PROPERTIES_TYPES.has(r.value.type ?? '')) {
        return cfail('SIGNATURE_NOT_XADES', 'SignedProperties reference lacks its Type', 'SignedProperties');
      }
      signedProperties = r.value.target;
    }
  }
  if (!documentCovered) return malformed('no reference covers the whole document', 'AuthTokenRequest');
  if (!signedProperties)
    return cfail('SIGNATURE_NOT_XADES', 'no referenced xades:SignedProperties', 'SignedProperties');
  const sc = await checkSigningCertificate(subtle, signedProperties, cert.value);
  if (!sc.ok) return sc;

  const params = importParams(method, cert.value);
  if (!params)
    return cfail('SIGNATURE_INVALID', 'SignatureMethod does not fit the certificate key', 'SignatureMethod');
  const sigBytes = fromBase64(textOf(sigValueEl), 2048);
  if (!sigBytes.ok) return malformed('SignatureValue is not Base64', 'SignatureValue');
  let valid = false;
  try {
    const key = await subtle.importKey('spki', buf(cert.value.spki), params, false, ['verify']);
    const verifyParams =
      method.key === 'EC'
        ? { name: 'ECDSA', hash: method.hash }
        : method.key === 'RSA-PSS'
          ? { name: 'RSA-PSS', saltLength: HASH_BYTES[method.hash]! }
          : { name: 'RSASSA-PKCS1-v1_5' };
    valid = await subtle.verify(
      verifyParams,
      key,
      buf(sigBytes.value),
      buf(utf8(canonicalize(signedInfo, siMode))),
    );
  } catch {
    valid = false;
  }
  if (!valid)
    return cfail(
      'SIGNATURE_INVALID',
      'SignatureValue does not verify with the KeyInfo certificate',
      'SignatureValue',
    );

  // KSeF refuses an expired or not-yet-valid signer certificate (status 460 "Nieważny certyfikat").
  if (expect.nowMs < cert.value.notBeforeMs || expect.nowMs > cert.value.notAfterMs) {
    return cfail(
      'SIGNATURE_CERTIFICATE_NOT_VALID_NOW',
      'the signing certificate is expired or not yet valid',
      'X509Certificate',
    );
  }
  if (req.value.subjectIdentifierType === 'certificateSubject') {
    const ids = cert.value.identifiers;
    if (!ids.nip && !ids.pesel && !ids.vatplNip) {
      return cfail(
        'AUTH_REQUEST_NO_SUBJECT_IN_CERTIFICATE',
        'certificateSubject needs a NIP, PESEL or VATPL identifier',
      );
    }
  }
  const signingTime = [...descendants(signedProperties)].find((e) => is(e, NS.XADES, 'SigningTime'));
  const { signatures: _omit, ...rest } = req.value;
  return ok({
    ...rest,
    signerCertificate: cert.value,
    signatureMethod: methodUri,
    ...(signingTime ? { signingTime: textOf(signingTime).trim() } : {}),
  });
}

/**
 * Verification of a signed AuthTokenRequest, independent of the product's code: xml-crypto checks
 * the XML-DSig core (references, canonicalisation, signature value) with algorithms registered
 * here on node:crypto; the XAdES profile that xml-crypto does not know is checked in code
 * (REFERENCE §6.2, §11 "XAdES submission"):
 *  - exactly one ds:Signature (9102 none, 9103 more), enveloped or enveloping packaging only;
 *  - algorithm URIs from KSeF's list (else 9105 "niewspieranego algorytmu");
 *  - a SignedProperties element referenced with Type …#SignedProperties, inside
 *    QualifyingProperties whose Target is the signature, carrying SigningCertificate(V2) with a
 *    CertDigest of the KeyInfo certificate (else 9105 "Format podpisu niezgodny…");
 *  - reference digests (9105 "Nieprawidłowa wartość skrótu…"), signature value incl. ECDSA r‖s
 *    (9105 "Podpis zweryfikowany negatywnie."); RSA ≥ 2048 bits, EC ≥ 256 bits.
 * The 9105 detail strings are the ones KSeF answers with (REFERENCE §3.2).
 */
import { constants, createHash, type KeyObject, verify as nodeVerify, timingSafeEqual } from 'node:crypto';
import {
  C14nCanonicalization,
  C14nCanonicalizationWithComments,
  type CanonicalizationOrTransformationAlgorithm,
  ExclusiveCanonicalization,
  ExclusiveCanonicalizationWithComments,
  type HashAlgorithm,
  type SignatureAlgorithm,
  SignedXml,
} from 'xml-crypto';
import type { KsefErrorCode } from '../http/ksef-errors.ts';
import { type AuthTokenRequestData, DSIG, readAuthTokenRequest } from './auth-token-request.ts';
import { type ParsedCertificate, parseCertificate } from './certificate.ts';
import { childElements, readXml } from './xml-guard.ts';

const XADES = 'http://uri.etsi.org/01903/v1.3.2#';
const SIGNED_PROPERTIES_TYPE = 'http://uri.etsi.org/01903#SignedProperties';

export const SIGNATURE_DETAILS = Object.freeze({
  unsupported: 'Podpis złożony z użyciem niewspieranego algorytmu kryptograficznego.',
  negative: 'Podpis zweryfikowany negatywnie.',
  profile: 'Format podpisu niezgodny z akceptowanymi profilami XAdES.',
  digest: (id: string) => `Nieprawidłowa wartość skrótu dla referencji wskazującej na element '${id}'.`,
  notFound: (id: string) => `Element wskazywany przez referencję '${id}' nie został odnaleziony.`,
});

/** C14N URIs KSeF lists (REFERENCE §6.2). C14N 1.1 differs from 1.0 only on xml:id/xml:base/xml:space
 * inheritance, which an AuthTokenRequest never uses, so xml-crypto's 1.0 implementation serves it. */
const CANONICALIZATIONS: Record<string, new () => CanonicalizationOrTransformationAlgorithm> = {
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315': C14nCanonicalization,
  'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments': C14nCanonicalizationWithComments,
  'http://www.w3.org/2006/12/xml-c14n11': C14nCanonicalization,
  'http://www.w3.org/2006/12/xml-c14n11#WithComments': C14nCanonicalizationWithComments,
  'http://www.w3.org/2001/10/xml-exc-c14n#': ExclusiveCanonicalization,
  'http://www.w3.org/2001/10/xml-exc-c14n#WithComments': ExclusiveCanonicalizationWithComments,
};

const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const XPATH = 'http://www.w3.org/TR/1999/REC-xpath-19991116';
const XPATH_FILTER2 = 'http://www.w3.org/2002/06/xmldsig-filter2';

/**
 * The XPath spellings of "leave the signature out" that signers (EU DSS, xmlsec) emit. xml-crypto
 * evaluates no XPath, so exactly these expressions are recognised and applied as removal of the
 * ds:Signature elements from the referenced node set; any other expression is refused.
 */
class RemoveSignatures implements CanonicalizationOrTransformationAlgorithm {
  process(node: Node): Node {
    const signatures = Array.from((node as Element).getElementsByTagNameNS?.(DSIG, 'Signature') ?? []);
    for (const s of signatures) s.parentNode?.removeChild(s);
    return node;
  }
  getAlgorithmName() {
    return XPATH;
  }
}

const NODE_HASH: Record<string, string> = {
  'http://www.w3.org/2000/09/xmldsig#sha1': 'sha1',
  'http://www.w3.org/2001/04/xmlenc#sha256': 'sha256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384': 'sha384',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
  'http://www.w3.org/2007/05/xmldsig-more#sha3-256': 'sha3-256',
  'http://www.w3.org/2007/05/xmldsig-more#sha3-384': 'sha3-384',
  'http://www.w3.org/2007/05/xmldsig-more#sha3-512': 'sha3-512',
};
/**
 * KSeF lists SHA-1 but refused a .NET client whose references used the platform's SHA-1 default
 * with "niewspieranego algorytmu" (ksef-client-csharp#215, REFERENCE §6.2): references must use
 * SHA-2/SHA-3. A SHA-1 CertDigest is still read (older XAdES tools), the reference rule is strict.
 */
const REFERENCE_DIGESTS = new Set(Object.keys(NODE_HASH).filter((u) => !u.endsWith('#sha1')));

type SignatureFamily = 'rsa' | 'pss' | 'ecdsa';
const SIGNATURE_METHODS: Record<string, { family: SignatureFamily; hash: string }> = {
  'http://www.w3.org/2000/09/xmldsig#rsa-sha1': { family: 'rsa', hash: 'sha1' },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': { family: 'rsa', hash: 'sha256' },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384': { family: 'rsa', hash: 'sha384' },
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': { family: 'rsa', hash: 'sha512' },
  'http://www.w3.org/2007/05/xmldsig-more#sha1-rsa-MGF1': { family: 'pss', hash: 'sha1' },
  'http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1': { family: 'pss', hash: 'sha256' },
  'http://www.w3.org/2007/05/xmldsig-more#sha384-rsa-MGF1': { family: 'pss', hash: 'sha384' },
  'http://www.w3.org/2007/05/xmldsig-more#sha512-rsa-MGF1': { family: 'pss', hash: 'sha512' },
  'http://www.w3.org/2007/05/xmldsig-more#sha3-256-rsa-MGF1': { family: 'pss', hash: 'sha3-256' },
  'http://www.w3.org/2007/05/xmldsig-more#sha3-384-rsa-MGF1': { family: 'pss', hash: 'sha3-384' },
  'http://www.w3.org/2007/05/xmldsig-more#sha3-512-rsa-MGF1': { family: 'pss', hash: 'sha3-512' },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha1': { family: 'ecdsa', hash: 'sha1' },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256': { family: 'ecdsa', hash: 'sha256' },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384': { family: 'ecdsa', hash: 'sha384' },
  'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512': { family: 'ecdsa', hash: 'sha512' },
  'http://www.w3.org/2021/04/xmldsig-more#ecdsa-sha3-256': { family: 'ecdsa', hash: 'sha3-256' },
  'http://www.w3.org/2021/04/xmldsig-more#ecdsa-sha3-384': { family: 'ecdsa', hash: 'sha3-384' },
  'http://www.w3.org/2021/04/xmldsig-more#ecdsa-sha3-512': { family: 'ecdsa', hash: 'sha3-512' },
};

function hashClass(uri: string, nodeHash: string): new () => HashAlgorithm {
  return class {
    getAlgorithmName() {
      return uri;
    }
    getHash(xml: string) {
      return createHash(nodeHash).update(xml, 'utf8').digest('base64');
    }
  };
}

/** node:crypto verification for one SignatureMethod URI; XML-DSig ECDSA values are raw r‖s. */
function signatureClass(uri: string, signerKey: KeyObject): new () => SignatureAlgorithm {
  const method = SIGNATURE_METHODS[uri]!;
  const verifySignature = (material: string, _key: unknown, signatureValue: string): boolean => {
    const data = Buffer.from(material, 'utf8');
    const signature = Buffer.from(signatureValue.replace(/\s+/g, ''), 'base64');
    try {
      if (method.family === 'ecdsa') {
        return nodeVerify(method.hash, data, { key: signerKey, dsaEncoding: 'ieee-p1363' }, signature);
      }
      if (method.family === 'pss') {
        return nodeVerify(
          method.hash,
          data,
          {
            key: signerKey,
            padding: constants.RSA_PKCS1_PSS_PADDING,
            saltLength: constants.RSA_PSS_SALTLEN_AUTO,
          },
          signature,
        );
      }
      return nodeVerify(
        method.hash,
        data,
        { key: signerKey, padding: constants.RSA_PKCS1_PADDING },
        signature,
      );
    } catch {
      return false;
    }
  };
  return class {
    getAlgorithmName() {
      return uri;
    }
    getSignature(): never {
      throw new Error('the sandbox only verifies signatures');
    }
    verifySignature = verifySignature as SignatureAlgorithm['verifySignature'];
  } as unknown as new () => SignatureAlgorithm;
}

export type SignedRequestVerdict =
  | {
      ok: true;
      request: AuthTokenRequestData;
      signer: ParsedCertificate;
      otherCertificates: ParsedCertificate[];
      signatureMethod: string;
      packaging: 'enveloped' | 'enveloping';
      /** Soft profile problems, sent back as `X-System-Warning` (TEST warns where DEMO/PRD refuse, #844). */
      warnings: string[];
    }
  | { ok: false; code: KsefErrorCode; details?: string[] };

/** The warning TEST was seen sending for a signature outside the accepted profiles (#844). */
export const PROFILE_WARNING = '[sig-001]: Format podpisu niezgodny z akceptowanymi profilami XAdES';

const fail = (code: KsefErrorCode, ...details: string[]): SignedRequestVerdict => ({
  ok: false,
  code,
  ...(details.length ? { details } : {}),
});

const dsChildren = (el: Element, name: string) =>
  childElements(el).filter((c) => c.namespaceURI === DSIG && c.localName === name);

const ID_ATTRIBUTES = ['Id', 'ID', 'id'];
function elementsWithId(doc: Document, id: string): Element[] {
  const out: Element[] = [];
  const all = doc.getElementsByTagName('*');
  for (let i = 0; i < all.length; i += 1) {
    const el = all[i]!;
    if (ID_ATTRIBUTES.some((a) => el.getAttribute(a) === id)) out.push(el);
  }
  return out;
}

const normaliseXPath = (text: string) => text.replace(/\s+/g, '');

/** A step of the verification: its result, or the KSeF failure that ends it. */
type Step<T> = { ok: true; value: T } | { ok: false; code: KsefErrorCode; details?: string[] };
const stop = (
  code: KsefErrorCode,
  ...details: string[]
): { ok: false; code: KsefErrorCode; details?: string[] } => ({
  ok: false,
  code,
  ...(details.length ? { details } : {}),
});

type Located = { requestEl: Element; packaging: 'enveloped' | 'enveloping' };

/** The request is the root (enveloped) or sits in a ds:Object of the root signature (enveloping). */
function locateRequest(root: Element): Step<Located> {
  if (root.namespaceURI === DSIG && root.localName === 'Signature') {
    const inObjects = dsChildren(root, 'Object').flatMap((o) =>
      childElements(o).filter((c) => c.localName === 'AuthTokenRequest'),
    );
    if (inObjects.length !== 1)
      return stop(9101, 'Podpisany dokument nie zawiera jednego elementu AuthTokenRequest.');
    return { ok: true, value: { requestEl: inObjects[0]!, packaging: 'enveloping' } };
  }
  if (root.localName === 'AuthTokenRequest')
    return { ok: true, value: { requestEl: root, packaging: 'enveloped' } };
  return stop(9101, `Element główny '${root.localName}' nie jest elementem AuthTokenRequest.`);
}

/**
 * Transforms KSeF lists. XPath ones are accepted only in the spellings that leave the signature
 * out (`not(ancestor-or-self::ds:Signature)`, XPath Filter 2.0 `subtract /descendant::ds:Signature`)
 * with the prefix bound to the XML-DSig namespace; base64 is refused (it decodes binary content an
 * AuthTokenRequest never has, and xml-crypto has no implementation).
 */
function transformSupported(t: Element): boolean {
  const alg = t.getAttribute('Algorithm') ?? '';
  if (alg === ENVELOPED || CANONICALIZATIONS[alg]) return true;
  const xpaths = childElements(t).filter((c) => c.localName === 'XPath');
  const xpath = xpaths[0];
  if (xpaths.length !== 1 || !xpath) return false;
  const expr = normaliseXPath(xpath.textContent ?? '');
  const prefix =
    alg === XPATH
      ? /^not\(ancestor-or-self::([A-Za-z_][\w.-]*):Signature\)$/.exec(expr)?.[1]
      : alg === XPATH_FILTER2 && xpath.getAttribute('Filter') === 'subtract'
        ? /^\/descendant::([A-Za-z_][\w.-]*):Signature$/.exec(expr)?.[1]
        : undefined;
  return prefix !== undefined && xpath.lookupNamespaceURI(prefix) === DSIG;
}

/**
 * SignedInfo's references: every algorithm allowed, every target present and unique (signature
 * wrapping), one of them covering the request, exactly one reaching SignedProperties with the
 * SignedProperties Type.
 */
function checkReferences(doc: Document, signedInfo: Element, located: Located): Step<Element> {
  const references = dsChildren(signedInfo, 'Reference');
  if (references.length === 0) return stop(9105, SIGNATURE_DETAILS.profile);
  let signedProperties: Element | null = null;
  let coversRequest = false;
  for (const ref of references) {
    if (!ref.hasAttribute('URI')) return stop(9105, SIGNATURE_DETAILS.notFound('null'));
    const uri = ref.getAttribute('URI') ?? '';
    if (uri !== '' && !uri.startsWith('#')) return stop(9105, SIGNATURE_DETAILS.notFound(uri));
    const digest = dsChildren(ref, 'DigestMethod')[0]?.getAttribute('Algorithm') ?? '';
    if (!REFERENCE_DIGESTS.has(digest)) return stop(9105, SIGNATURE_DETAILS.unsupported);
    const transforms = dsChildren(ref, 'Transforms').flatMap((t) => dsChildren(t, 'Transform'));
    if (!transforms.every(transformSupported)) return stop(9105, SIGNATURE_DETAILS.unsupported);
    const id = uri.slice(1);
    const targets = uri === '' ? [doc.documentElement] : elementsWithId(doc, id);
    if (targets.length === 0) return stop(9105, SIGNATURE_DETAILS.notFound(id));
    if (targets.length > 1) return stop(9105, SIGNATURE_DETAILS.profile);
    const target = targets[0]!;
    if (target.namespaceURI === XADES && target.localName === 'SignedProperties') {
      if (ref.getAttribute('Type') !== SIGNED_PROPERTIES_TYPE || signedProperties) {
        return stop(9105, SIGNATURE_DETAILS.profile);
      }
      signedProperties = target;
    } else if (located.packaging === 'enveloped' && uri === '') {
      // The whole document; without a signature-excluding transform its digest cannot match.
      coversRequest = true;
    } else if (
      located.packaging === 'enveloping' &&
      (target === located.requestEl.parentNode || target === located.requestEl)
    ) {
      coversRequest = true;
    }
  }
  // A signature that does not cover the request signs nothing KSeF reads.
  if (!coversRequest || !signedProperties) return stop(9105, SIGNATURE_DETAILS.profile);
  return { ok: true, value: signedProperties };
}

/** QualifyingProperties in a ds:Object of this signature, with Target = '#' + the signature's Id. */
function qualifiesSignature(signedProperties: Element, signature: Element): boolean {
  const qualifying = signedProperties.parentNode as Element | null;
  const signatureId = signature.getAttribute('Id');
  return (
    qualifying !== null &&
    qualifying.namespaceURI === XADES &&
    qualifying.localName === 'QualifyingProperties' &&
    (qualifying.parentNode as Element | null)?.localName === 'Object' &&
    qualifying.parentNode?.parentNode === signature &&
    !!signatureId &&
    qualifying.getAttribute('Target') === `#${signatureId}`
  );
}

function keyInfoCertificates(signature: Element): Step<ParsedCertificate[]> {
  const keyInfo = dsChildren(signature, 'KeyInfo')[0];
  const texts = keyInfo
    ? dsChildren(keyInfo, 'X509Data')
        .flatMap((d) => dsChildren(d, 'X509Certificate'))
        .map((c) => (c.textContent ?? '').replace(/\s+/g, ''))
    : [];
  if (texts.length === 0) return stop(21115, 'Brak certyfikatu podpisującego w KeyInfo.');
  const certificates: ParsedCertificate[] = [];
  for (const b64 of texts) {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64))
      return stop(21115, 'Certyfikat w KeyInfo nie jest poprawnym Base64.');
    const parsed = parseCertificate(new Uint8Array(Buffer.from(b64, 'base64')));
    if (!parsed.ok) return stop(21115, 'Nie można odczytać certyfikatu z KeyInfo.');
    certificates.push(parsed.value);
  }
  return { ok: true, value: certificates };
}

const xadesChild = (el: Element | undefined, ...names: string[]) =>
  el ? childElements(el).find((c) => c.namespaceURI === XADES && names.includes(c.localName)) : undefined;

/**
 * SigningCertificate (XAdES 1.3.2) or SigningCertificateV2 (EN 319 132): the Cert whose CertDigest
 * is the digest of a KeyInfo certificate names the signer; its X509SerialNumber, when given, must
 * match (never the issuer name as a string, TOOLING.md).
 */
function signingCertificate(
  signedProperties: Element,
  certificates: readonly ParsedCertificate[],
): Step<ParsedCertificate> {
  const holder = xadesChild(
    xadesChild(signedProperties, 'SignedSignatureProperties'),
    'SigningCertificate',
    'SigningCertificateV2',
  );
  if (!holder) return stop(9105, SIGNATURE_DETAILS.profile);
  for (const certEl of childElements(holder).filter((c) => c.localName === 'Cert')) {
    const digestEl = childElements(certEl).find((c) => c.localName === 'CertDigest');
    if (!digestEl) continue;
    const nodeHash = NODE_HASH[dsChildren(digestEl, 'DigestMethod')[0]?.getAttribute('Algorithm') ?? ''];
    if (!nodeHash) return stop(9105, SIGNATURE_DETAILS.unsupported);
    const expected = Buffer.from(
      (dsChildren(digestEl, 'DigestValue')[0]?.textContent ?? '').replace(/\s+/g, ''),
      'base64',
    );
    const match = certificates.find((cert) => {
      const actual = createHash(nodeHash).update(cert.der).digest();
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    });
    if (!match) continue;
    const serial = childElements(certEl)
      .find((c) => c.localName === 'IssuerSerial')
      ?.getElementsByTagNameNS(DSIG, 'X509SerialNumber')[0]
      ?.textContent?.trim();
    if (serial !== undefined && serial !== match.serialDecimal) return stop(9105, SIGNATURE_DETAILS.profile);
    return { ok: true, value: match };
  }
  return stop(9105, SIGNATURE_DETAILS.profile);
}

/**
 * SigningTime is optional in XAdES-BES (1.3.2); when present it should name a moment within the
 * signer certificate's validity. A soft problem: warned about, not refused (as TEST does, #844).
 */
function profileWarnings(signedProperties: Element, signer: ParsedCertificate): string[] {
  const signingTime = xadesChild(xadesChild(signedProperties, 'SignedSignatureProperties'), 'SigningTime');
  if (!signingTime) return [];
  const at = Date.parse((signingTime.textContent ?? '').trim());
  return !Number.isFinite(at) || at < signer.notBefore || at > signer.notAfter ? [PROFILE_WARNING] : [];
}

/** The key must fit the SignatureMethod's family and be strong enough (RSA ≥ 2048, EC ≥ 256). */
function checkKey(signer: ParsedCertificate, signatureMethod: string): Step<void> {
  const family = SIGNATURE_METHODS[signatureMethod]!.family;
  const fits =
    (family === 'ecdsa' && signer.keyType === 'ec') ||
    (family === 'rsa' && signer.keyType === 'rsa') ||
    (family === 'pss' && (signer.keyType === 'rsa' || signer.keyType === 'rsa-pss'));
  if (!fits) return stop(9105, SIGNATURE_DETAILS.negative);
  const weak = signer.keyType === 'ec' ? signer.keyBits < 256 : signer.keyBits < 2048;
  return weak ? stop(9105, SIGNATURE_DETAILS.unsupported) : { ok: true, value: undefined };
}

/** XML-DSig core validation by xml-crypto: references, then the signature value, with the signer's key only. */
function coreValidation(
  text: string,
  signature: Element,
  signer: ParsedCertificate,
  signatureMethod: string,
): Step<void> {
  const signerPem = signer.x509.toString();
  const sig = new SignedXml({ getCertFromKeyInfo: () => signerPem });
  sig.CanonicalizationAlgorithms = {
    ...CANONICALIZATIONS,
    [ENVELOPED]: sig.CanonicalizationAlgorithms[ENVELOPED]!,
    [XPATH]: RemoveSignatures,
    [XPATH_FILTER2]: RemoveSignatures,
  };
  sig.HashAlgorithms = Object.fromEntries(
    Object.entries(NODE_HASH).map(([uri, h]) => [uri, hashClass(uri, h)]),
  );
  sig.SignatureAlgorithms = { [signatureMethod]: signatureClass(signatureMethod, signer.publicKey) };
  try {
    sig.loadSignature(signature);
    if (sig.checkSignature(text)) return { ok: true, value: undefined };
    const broken = sig.getReferences().find((r) => r.validationError);
    const id = (broken?.uri ?? '').replace(/^#/, '');
    return broken?.validationError?.message.includes('could not find such element')
      ? stop(9105, SIGNATURE_DETAILS.notFound(id))
      : stop(9105, SIGNATURE_DETAILS.digest(id));
  } catch {
    // xml-crypto throws when the SignatureValue does not verify.
    return stop(9105, SIGNATURE_DETAILS.negative);
  }
}

export function verifySignedAuthTokenRequest(bytes: Uint8Array): SignedRequestVerdict {
  const read = readXml(bytes);
  if (!read.ok) return fail(read.code, read.detail);
  const { doc, text } = read;

  const located = locateRequest(doc.documentElement);
  if (!located.ok) return located;
  const schema = readAuthTokenRequest(located.value.requestEl);
  if (!schema.ok) return fail(21401, ...schema.details);

  const signatures = Array.from(doc.getElementsByTagNameNS(DSIG, 'Signature'));
  if (signatures.length === 0) return fail(9102);
  if (signatures.length > 1) return fail(9103);
  const signature = signatures[0]!;
  // Detached, or nested somewhere else: KSeF accepts enveloped and enveloping only.
  if (located.value.packaging === 'enveloped' && signature.parentNode !== located.value.requestEl) {
    return fail(9105, SIGNATURE_DETAILS.profile);
  }

  // ds:Signature content: SignedInfo, SignatureValue, KeyInfo?, Object*.
  const signedInfos = dsChildren(signature, 'SignedInfo');
  if (signedInfos.length !== 1 || dsChildren(signature, 'SignatureValue').length !== 1) {
    return fail(9105, SIGNATURE_DETAILS.profile);
  }
  const signedInfo = signedInfos[0]!;
  const c14n = dsChildren(signedInfo, 'CanonicalizationMethod')[0]?.getAttribute('Algorithm') ?? '';
  const signatureMethod = dsChildren(signedInfo, 'SignatureMethod')[0]?.getAttribute('Algorithm') ?? '';
  if (!CANONICALIZATIONS[c14n] || !SIGNATURE_METHODS[signatureMethod]) {
    return fail(9105, SIGNATURE_DETAILS.unsupported);
  }

  const signedProperties = checkReferences(doc, signedInfo, located.value);
  if (!signedProperties.ok) return signedProperties;
  if (!qualifiesSignature(signedProperties.value, signature)) return fail(9105, SIGNATURE_DETAILS.profile);
  const certificates = keyInfoCertificates(signature);
  if (!certificates.ok) return certificates;
  const signer = signingCertificate(signedProperties.value, certificates.value);
  if (!signer.ok) return signer;
  const key = checkKey(signer.value, signatureMethod);
  if (!key.ok) return key;
  const core = coreValidation(text, signature, signer.value, signatureMethod);
  if (!core.ok) return core;

  return {
    ok: true,
    request: schema.value,
    signer: signer.value,
    otherCertificates: certificates.value.filter((c) => c !== signer.value),
    signatureMethod,
    packaging: located.value.packaging,
    warnings: profileWarnings(signedProperties.value, signer.value),
  };
}

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

export function verifySignedAuthTokenRequest(bytes: Uint8Array): SignedRequestVerdict {
  const read = readXml(bytes);
  if (!read.ok) return fail(read.code, read.detail);
  const { doc, text } = read;
  const root = doc.documentElement;

  const signatures = Array.from(doc.getElementsByTagNameNS(DSIG, 'Signature'));
  // Locate the request: the root (enveloped) or inside the root signature's ds:Object (enveloping).
  let requestEl: Element | null = null;
  let packaging: 'enveloped' | 'enveloping' = 'enveloped';
  if (root.namespaceURI === DSIG && root.localName === 'Signature') {
    packaging = 'enveloping';
    const inObjects = dsChildren(root, 'Object').flatMap((o) =>
      childElements(o).filter((c) => c.localName === 'AuthTokenRequest'),
    );
    if (inObjects.length !== 1)
      return fail(9101, 'Podpisany dokument nie zawiera jednego elementu AuthTokenRequest.');
    requestEl = inObjects[0]!;
  } else if (root.localName === 'AuthTokenRequest') {
    requestEl = root;
  } else {
    return fail(9101, `Element główny '${root.localName}' nie jest elementem AuthTokenRequest.`);
  }

  const schema = readAuthTokenRequest(requestEl);
  if (!schema.ok) return fail(21401, ...schema.details);

  if (signatures.length === 0) return fail(9102);
  if (signatures.length > 1) return fail(9103);
  const signature = signatures[0]!;
  if (packaging === 'enveloped' && signature.parentNode !== requestEl) {
    // Detached or nested somewhere else: KSeF accepts enveloped and enveloping only.
    return fail(9105, SIGNATURE_DETAILS.profile);
  }

  // ds:Signature content: SignedInfo, SignatureValue, KeyInfo?, Object*.
  const signedInfos = dsChildren(signature, 'SignedInfo');
  const signatureValues = dsChildren(signature, 'SignatureValue');
  if (signedInfos.length !== 1 || signatureValues.length !== 1) return fail(9105, SIGNATURE_DETAILS.profile);
  const signedInfo = signedInfos[0]!;
  const c14n = dsChildren(signedInfo, 'CanonicalizationMethod')[0]?.getAttribute('Algorithm') ?? '';
  const signatureMethod = dsChildren(signedInfo, 'SignatureMethod')[0]?.getAttribute('Algorithm') ?? '';
  if (!CANONICALIZATIONS[c14n] || !SIGNATURE_METHODS[signatureMethod])
    return fail(9105, SIGNATURE_DETAILS.unsupported);

  const references = dsChildren(signedInfo, 'Reference');
  if (references.length === 0) return fail(9105, SIGNATURE_DETAILS.profile);
  let signedPropertiesEl: Element | null = null;
  let coversRequest = false;
  for (const ref of references) {
    if (!ref.hasAttribute('URI')) return fail(9105, SIGNATURE_DETAILS.notFound('null'));
    const uri = ref.getAttribute('URI') ?? '';
    if (uri !== '' && !uri.startsWith('#')) return fail(9105, SIGNATURE_DETAILS.notFound(uri));
    const digest = dsChildren(ref, 'DigestMethod')[0]?.getAttribute('Algorithm') ?? '';
    if (!REFERENCE_DIGESTS.has(digest)) return fail(9105, SIGNATURE_DETAILS.unsupported);
    const transforms = dsChildren(ref, 'Transforms').flatMap((t) => dsChildren(t, 'Transform'));
    for (const t of transforms) {
      const alg = t.getAttribute('Algorithm') ?? '';
      if (alg === ENVELOPED) continue;
      if (alg === XPATH) {
        const expr = normaliseXPath(dsChildren(t, 'XPath')[0]?.textContent ?? '');
        const prefix = /^not\(ancestor-or-self::([A-Za-z_][\w.-]*):Signature\)$/.exec(expr)?.[1];
        const xpathEl = dsChildren(t, 'XPath')[0];
        if (!prefix || xpathEl?.lookupNamespaceURI(prefix) !== DSIG)
          return fail(9105, SIGNATURE_DETAILS.unsupported);
      } else if (alg === XPATH_FILTER2) {
        const filters = childElements(t).filter((c) => c.localName === 'XPath');
        const ok =
          filters.length === 1 &&
          filters[0]!.getAttribute('Filter') === 'subtract' &&
          /^\/descendant::([A-Za-z_][\w.-]*):Signature$/.test(normaliseXPath(filters[0]!.textContent ?? ''));
        const prefix = /^\/descendant::([A-Za-z_][\w.-]*):Signature$/.exec(
          normaliseXPath(filters[0]?.textContent ?? ''),
        )?.[1];
        if (!ok || !prefix || filters[0]!.lookupNamespaceURI(prefix) !== DSIG) {
          return fail(9105, SIGNATURE_DETAILS.unsupported);
        }
      } else if (!CANONICALIZATIONS[alg]) {
        // Unknown transforms, and base64 (KSeF lists it, but it decodes binary content an
        // AuthTokenRequest never has; xml-crypto has no implementation).
        return fail(9105, SIGNATURE_DETAILS.unsupported);
      }
    }
    const id = uri.slice(1);
    const targets = uri === '' ? [doc.documentElement] : elementsWithId(doc, id);
    if (targets.length === 0) return fail(9105, SIGNATURE_DETAILS.notFound(id));
    if (targets.length > 1) return fail(9105, SIGNATURE_DETAILS.profile); // signature wrapping
    const target = targets[0]!;
    const type = ref.getAttribute('Type');
    if (target.namespaceURI === XADES && target.localName === 'SignedProperties') {
      if (type !== SIGNED_PROPERTIES_TYPE || signedPropertiesEl) return fail(9105, SIGNATURE_DETAILS.profile);
      signedPropertiesEl = target;
    } else if (packaging === 'enveloped' && uri === '') {
      // Whole-document reference; without a signature-excluding transform its digest cannot match.
      coversRequest = true;
    } else if (packaging === 'enveloping' && (target === requestEl.parentNode || target === requestEl)) {
      coversRequest = true;
    }
  }
  // A signature that does not cover the request signs nothing KSeF reads.
  if (!coversRequest || !signedPropertiesEl) return fail(9105, SIGNATURE_DETAILS.profile);

  // QualifyingProperties in this signature's ds:Object, targeting this signature.
  const qualifying = signedPropertiesEl.parentNode as Element | null;
  const signatureId = signature.getAttribute('Id');
  if (
    !qualifying ||
    qualifying.namespaceURI !== XADES ||
    qualifying.localName !== 'QualifyingProperties' ||
    (qualifying.parentNode as Element | null)?.localName !== 'Object' ||
    qualifying.parentNode?.parentNode !== signature ||
    !signatureId ||
    qualifying.getAttribute('Target') !== `#${signatureId}`
  ) {
    return fail(9105, SIGNATURE_DETAILS.profile);
  }

  // KeyInfo certificates.
  const keyInfo = dsChildren(signature, 'KeyInfo')[0];
  const certTexts = keyInfo
    ? dsChildren(keyInfo, 'X509Data')
        .flatMap((d) => dsChildren(d, 'X509Certificate'))
        .map((c) => c.textContent ?? '')
    : [];
  if (certTexts.length === 0) return fail(21115, 'Brak certyfikatu podpisującego w KeyInfo.');
  const certificates: ParsedCertificate[] = [];
  for (const t of certTexts) {
    const b64 = t.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64))
      return fail(21115, 'Certyfikat w KeyInfo nie jest poprawnym Base64.');
    const parsed = parseCertificate(new Uint8Array(Buffer.from(b64, 'base64')));
    if (!parsed.ok) return fail(21115, 'Nie można odczytać certyfikatu z KeyInfo.');
    certificates.push(parsed.value);
  }

  // SigningCertificate (XAdES 1.3.2) or SigningCertificateV2 (EN 319 132): a Cert whose CertDigest
  // is the digest of a KeyInfo certificate identifies the signer (and its serial must match).
  const signedSignatureProperties = childElements(signedPropertiesEl).find(
    (c) => c.namespaceURI === XADES && c.localName === 'SignedSignatureProperties',
  );
  const signingCertificate = signedSignatureProperties
    ? childElements(signedSignatureProperties).find(
        (c) =>
          c.namespaceURI === XADES &&
          (c.localName === 'SigningCertificate' || c.localName === 'SigningCertificateV2'),
      )
    : undefined;
  if (!signingCertificate) return fail(9105, SIGNATURE_DETAILS.profile);
  let signer: ParsedCertificate | null = null;
  for (const certEl of childElements(signingCertificate).filter((c) => c.localName === 'Cert')) {
    const digestEl = childElements(certEl).find((c) => c.localName === 'CertDigest');
    if (!digestEl) continue;
    const method = dsChildren(digestEl, 'DigestMethod')[0]?.getAttribute('Algorithm') ?? '';
    const nodeHash = NODE_HASH[method];
    if (!nodeHash) return fail(9105, SIGNATURE_DETAILS.unsupported);
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
    if (serial !== undefined && serial !== match.serialDecimal) return fail(9105, SIGNATURE_DETAILS.profile);
    signer = match;
    break;
  }
  if (!signer) return fail(9105, SIGNATURE_DETAILS.profile);

  // SigningTime is optional in XAdES-BES (1.3.2); when present it should name a moment in the
  // signer certificate's validity. A soft problem: warned about, not refused.
  const warnings: string[] = [];
  const signingTime = signedSignatureProperties
    ? childElements(signedSignatureProperties).find(
        (c) => c.namespaceURI === XADES && c.localName === 'SigningTime',
      )
    : undefined;
  if (signingTime) {
    const at = Date.parse((signingTime.textContent ?? '').trim());
    if (!Number.isFinite(at) || at < signer.notBefore || at > signer.notAfter) warnings.push(PROFILE_WARNING);
  }

  // Key strength and family (REFERENCE §6.2: RSA ≥ 2048, EC ≥ 256).
  const family = SIGNATURE_METHODS[signatureMethod]!.family;
  const keyFits =
    (family === 'ecdsa' && signer.keyType === 'ec') ||
    (family === 'rsa' && signer.keyType === 'rsa') ||
    (family === 'pss' && (signer.keyType === 'rsa' || signer.keyType === 'rsa-pss'));
  if (!keyFits) return fail(9105, SIGNATURE_DETAILS.negative);
  if (
    (signer.keyType === 'ec' && signer.keyBits < 256) ||
    (signer.keyType !== 'ec' && signer.keyBits < 2048)
  ) {
    return fail(9105, SIGNATURE_DETAILS.unsupported);
  }

  // XML-DSig core validation by xml-crypto, with the signer's key only.
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
    const valid = sig.checkSignature(text);
    if (!valid) {
      const broken = sig.getReferences().find((r) => r.validationError);
      const id = (broken?.uri ?? '').replace(/^#/, '');
      if (broken?.validationError?.message.includes('could not find such element')) {
        return fail(9105, SIGNATURE_DETAILS.notFound(id));
      }
      return fail(9105, SIGNATURE_DETAILS.digest(id));
    }
  } catch {
    return fail(9105, SIGNATURE_DETAILS.negative);
  }
  return {
    ok: true,
    request: schema.value,
    signer,
    otherCertificates: certificates.filter((c) => c !== signer),
    signatureMethod,
    packaging,
    warnings,
  };
}

/**
 * Files signed by a tool we did not write (xmlsec1), shaped like the official C# client's output:
 * unprefixed xmldsig namespace, inclusive C14N 1.0, an extra xmlns:xsi on the root, indentation.
 * Our verifier must accept them, and name the broken part after tampering.
 */
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { parseSignedAuthTokenRequest } from '../../../shared/crypto/xades-verify.ts';
import { openssl, pemToDer, readText, run, tempDir, write } from './openssl.ts';

const subtle = globalThis.crypto.subtle;
const tmp = tempDir();
afterAll(() => tmp.cleanup());

// The openssl-made certificates below are valid from the moment the test runs, so the verifier's
// clock is the real one, a minute ahead (openssl's notBefore is the second the certificate is made,
// after this module loads), and the challenge carries that date (a client does not check its CRC).
const NOW_MS = Date.now() + 60_000;
const CHALLENGE = `${new Date(NOW_MS).toISOString().slice(0, 10).replaceAll('-', '')}-CR-461EA5B000-537A6BA15D-D7`;
const C14N10 = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';

const ENVELOPED_TRANSFORMS = Object.freeze({
  enveloped: '<Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature" />',
  // The spelling EU DSS (the Java client's signer) and older tools use.
  xpath:
    '<Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><XPath xmlns:ds="http://www.w3.org/2000/09/xmldsig#">not(ancestor-or-self::ds:Signature)</XPath></Transform>',
});

function template(
  certDer: Uint8Array,
  serialDecimal: string,
  issuer: string,
  sigMethod: string,
  enveloped: string = ENVELOPED_TRANSFORMS.enveloped,
): string {
  const certDigest = createHash('sha256').update(certDer).digest('base64');
  return `<?xml version="1.0" encoding="utf-8"?>
<AuthTokenRequest xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns="http://ksef.mf.gov.pl/auth/token/2.0">
  <Challenge>${CHALLENGE}</Challenge>
  <ContextIdentifier>
    <Nip>5265877635</Nip>
  </ContextIdentifier>
  <SubjectIdentifierType>certificateSubject</SubjectIdentifierType>
  <Signature Id="Signature" xmlns="http://www.w3.org/2000/09/xmldsig#">
    <SignedInfo>
      <CanonicalizationMethod Algorithm="${C14N10}" />
      <SignatureMethod Algorithm="${sigMethod}" />
      <Reference URI="">
        <Transforms>
          ${enveloped}
          <Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#" />
        </Transforms>
        <DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256" />
        <DigestValue></DigestValue>
      </Reference>
      <Reference URI="#SignedProperties" Type="http://uri.etsi.org/01903#SignedProperties">
        <Transforms>
          <Transform Algorithm="${C14N10}" />
        </Transforms>
        <DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256" />
        <DigestValue></DigestValue>
      </Reference>
    </SignedInfo>
    <SignatureValue></SignatureValue>
    <KeyInfo>
      <X509Data>
        <X509Certificate></X509Certificate>
      </X509Data>
    </KeyInfo>
    <Object>
      <xades:QualifyingProperties Target="#Signature" xmlns:xades="http://uri.etsi.org/01903/v1.3.2#">
        <xades:SignedProperties Id="SignedProperties">
          <xades:SignedSignatureProperties>
            <xades:SigningTime>2026-11-25T11:59:00.0000000+00:00</xades:SigningTime>
            <xades:SigningCertificate>
              <xades:Cert>
                <xades:CertDigest>
                  <DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256" />
                  <DigestValue>${certDigest}</DigestValue>
                </xades:CertDigest>
                <xades:IssuerSerial>
                  <X509IssuerName>${issuer}</X509IssuerName>
                  <X509SerialNumber>${serialDecimal}</X509SerialNumber>
                </xades:IssuerSerial>
              </xades:Cert>
            </xades:SigningCertificate>
          </xades:SignedSignatureProperties>
        </xades:SignedProperties>
      </xades:QualifyingProperties>
    </Object>
  </Signature>
</AuthTokenRequest>
`;
}

const cases = [
  ['RSA', ['-newkey', 'rsa:2048'], 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256'],
  [
    'ECDSA',
    ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
    'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
  ],
] as const;

describe.each(cases)('a %s XAdES file signed by xmlsec1', (name, keyArgs, sigMethod) => {
  const key = tmp.path(`${name}.key`);
  const cert = tmp.path(`${name}.pem`);
  openssl(
    'req',
    '-x509',
    ...keyArgs,
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '3',
    '-set_serial',
    '123456789',
    '-subj',
    '/C=PL/2.5.4.97=VATPL-5265877635/O=Firma/CN=Firma seal',
  );
  const der = pemToDer(readText(cert));
  const tmpl = tmp.path(`${name}.tmpl.xml`);
  write(tmpl, template(der, '123456789', 'CN=Firma seal,O=Firma,C=PL', sigMethod));
  const out = tmp.path(`${name}.signed.xml`);
  const signedRun = run('xmlsec1', [
    '--sign',
    '--privkey-pem',
    `${key},${cert}`,
    '--id-attr:Id',
    'http://uri.etsi.org/01903/v1.3.2#:SignedProperties',
    '--output',
    out,
    tmpl,
  ]);
  const expectations = {
    nowMs: NOW_MS,
    challenge: CHALLENGE,
    context: { type: 'Nip', value: '5265877635' },
  } as const;

  it('is accepted by our verifier, which reads its context and signer', async () => {
    expect(signedRun.code).toBe(0);
    const r = await parseSignedAuthTokenRequest(subtle, readText(out), expectations);
    if (!r.ok) throw new Error(`${r.error.reason} ${r.error.element} ${r.error.detail}`);
    expect(r.value.context).toEqual({ type: 'Nip', value: '5265877635' });
    expect(r.value.signerCertificate.identifiers).toEqual({ vatplNip: '5265877635' });
    expect(r.value.signatureMethod).toBe(sigMethod);
  });

  it('names SignedProperties when the SigningTime was changed after signing', async () => {
    const bad = readText(out).replace('2026-11-25T11:59:00', '2026-11-25T11:58:00');
    const r = await parseSignedAuthTokenRequest(subtle, bad, expectations);
    expect(!r.ok && [r.error.reason, r.error.element]).toEqual([
      'SIGNATURE_DIGEST_MISMATCH',
      'SignedProperties',
    ]);
  });

  it('names the document when the NIP was changed after signing, and xmlsec1 agrees it is broken', async () => {
    const bad = readText(out).replaceAll('<Nip>5265877635</Nip>', '<Nip>5265877636</Nip>');
    const r = await parseSignedAuthTokenRequest(subtle, bad, {
      ...expectations,
      context: { type: 'Nip', value: '5265877636' },
    });
    expect(!r.ok && [r.error.reason, r.error.element]).toEqual([
      'SIGNATURE_DIGEST_MISMATCH',
      'AuthTokenRequest',
    ]);
    const file = tmp.path(`${name}.bad.xml`);
    write(file, bad);
    const x = run('xmlsec1', [
      '--verify',
      '--trusted-pem',
      cert,
      '--id-attr:Id',
      'http://uri.etsi.org/01903/v1.3.2#:SignedProperties',
      file,
    ]);
    expect(x.code).not.toBe(0);
  });
});

describe('a file whose document reference uses the XPath not(ancestor-or-self::ds:Signature) transform', () => {
  it('is accepted by xmlsec1 and by our verifier, and a changed NIP is named', async () => {
    const key = tmp.path('xp.key');
    const cert = tmp.path('xp.pem');
    openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '3',
      '-set_serial',
      '77',
      '-subj',
      '/C=PL/2.5.4.97=VATPL-5265877635/O=Firma/CN=Firma seal',
    );
    const tmpl = tmp.path('xp.tmpl.xml');
    write(
      tmpl,
      template(
        pemToDer(readText(cert)),
        '77',
        'CN=Firma seal,O=Firma,C=PL',
        'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
        ENVELOPED_TRANSFORMS.xpath,
      ),
    );
    const out = tmp.path('xp.signed.xml');
    const signedRun = run('xmlsec1', [
      '--sign',
      '--privkey-pem',
      `${key},${cert}`,
      '--id-attr:Id',
      'http://uri.etsi.org/01903/v1.3.2#:SignedProperties',
      '--output',
      out,
      tmpl,
    ]);
    expect(signedRun.code).toBe(0);
    const exp = { nowMs: NOW_MS, challenge: CHALLENGE } as const;
    const r = await parseSignedAuthTokenRequest(subtle, readText(out), exp);
    if (!r.ok) throw new Error(`${r.error.reason} ${r.error.element} ${r.error.detail}`);
    const bad = readText(out).replaceAll('<Nip>5265877635</Nip>', '<Nip>5265877636</Nip>');
    const b = await parseSignedAuthTokenRequest(subtle, bad, exp);
    expect(!b.ok && [b.error.reason, b.error.element]).toEqual([
      'SIGNATURE_DIGEST_MISMATCH',
      'AuthTokenRequest',
    ]);
  });
});

describe('an enveloping signature (the request inside ds:Object), signed by xmlsec1', () => {
  it('is accepted by our verifier, and a changed NIP is named at the Object that holds it', async () => {
    const key = tmp.path('env.key');
    const cert = tmp.path('env.pem');
    openssl(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '3',
      '-set_serial',
      '99',
      '-subj',
      '/C=PL/2.5.4.97=VATPL-5265877635/O=Firma/CN=Firma seal',
    );
    const der = pemToDer(readText(cert));
    const certDigest = createHash('sha256').update(der).digest('base64');
    const tmpl = `<?xml version="1.0" encoding="UTF-8"?>
<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#" Id="sig"><ds:SignedInfo><ds:CanonicalizationMethod Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/><ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"/><ds:Reference URI="#doc"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference><ds:Reference URI="#sp" Type="http://uri.etsi.org/01903#SignedProperties"><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"/></ds:Transforms><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue/></ds:Reference></ds:SignedInfo><ds:SignatureValue/><ds:KeyInfo><ds:X509Data><ds:X509Certificate/></ds:X509Data></ds:KeyInfo><ds:Object Id="doc"><AuthTokenRequest xmlns="http://ksef.mf.gov.pl/auth/token/2.0"><Challenge>${CHALLENGE}</Challenge><ContextIdentifier><Nip>5265877635</Nip></ContextIdentifier><SubjectIdentifierType>certificateSubject</SubjectIdentifierType></AuthTokenRequest></ds:Object><ds:Object><xades:QualifyingProperties xmlns:xades="http://uri.etsi.org/01903/v1.3.2#" Target="#sig"><xades:SignedProperties Id="sp"><xades:SignedSignatureProperties><xades:SigningTime>2026-11-25T11:59:00Z</xades:SigningTime><xades:SigningCertificate><xades:Cert><xades:CertDigest><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>${certDigest}</ds:DigestValue></xades:CertDigest><xades:IssuerSerial><ds:X509IssuerName>CN=Firma seal,O=Firma,C=PL</ds:X509IssuerName><ds:X509SerialNumber>99</ds:X509SerialNumber></xades:IssuerSerial></xades:Cert></xades:SigningCertificate></xades:SignedSignatureProperties></xades:SignedProperties></xades:QualifyingProperties></ds:Object></ds:Signature>
`;
    const tmplFile = tmp.path('env.tmpl.xml');
    write(tmplFile, tmpl);
    const out = tmp.path('env.signed.xml');
    const signedRun = run('xmlsec1', [
      '--sign',
      '--privkey-pem',
      `${key},${cert}`,
      '--id-attr:Id',
      'http://uri.etsi.org/01903/v1.3.2#:SignedProperties',
      '--id-attr:Id',
      'http://www.w3.org/2000/09/xmldsig#:Object',
      '--output',
      out,
      tmplFile,
    ]);
    expect(signedRun.err).toBe('');
    expect(signedRun.code).toBe(0);
    const exp = {
      nowMs: NOW_MS,
      challenge: CHALLENGE,
      context: { type: 'Nip', value: '5265877635' },
    } as const;
    const r = await parseSignedAuthTokenRequest(subtle, readText(out), exp);
    if (!r.ok) throw new Error(`${r.error.reason} ${r.error.element} ${r.error.detail}`);
    expect(r.value.challenge).toBe(CHALLENGE);
    const bad = readText(out).replace('<Nip>5265877635</Nip>', '<Nip>5265877636</Nip>');
    const b = await parseSignedAuthTokenRequest(subtle, bad, {
      ...exp,
      context: { type: 'Nip', value: '5265877636' },
    });
    expect(!b.ok && [b.error.reason, b.error.element]).toEqual(['SIGNATURE_DIGEST_MISMATCH', 'Object']);
  });
});

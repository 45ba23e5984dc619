/**
 * An "external signer" for the signed-request login: openssl makes the certificate (a seal
 * `/C=PL/2.5.4.97=VATPL-<nip>/O=…/CN=…`, or a person with serialNumber `TINPL-<nip>` / `PNOPL-<pesel>`)
 * and xmlsec1 — a tool we did not write — signs the AuthTokenRequest the wallet let the user
 * download, the way a qualified-signature tool would: an enveloped XAdES-BES signature in the C#
 * client's shape (unprefixed xmldsig, inclusive C14N 1.0 for SignedInfo, SHA-256, SigningCertificate).
 */
import { createHash } from 'node:crypto';
import { openssl, pemToDer, readText, run, tempDir, write } from '../crypto-interop/openssl.ts';

export type ExternalSigner = {
  sign(unsignedXml: string, options?: { readonly alterAfterSigning?: (xml: string) => string }): string;
  readonly certificateDer: Uint8Array;
  readonly certificatePem: string;
  cleanup(): void;
};

const C14N10 = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
const EXC = 'http://www.w3.org/2001/10/xml-exc-c14n#';

export type SignerSubject =
  | { readonly kind: 'seal'; readonly nip: string }
  | { readonly kind: 'person'; readonly nip?: string; readonly pesel?: string };

export function createExternalSigner(subject: SignerSubject, key: 'rsa' | 'ec' = 'rsa'): ExternalSigner {
  const tmp = tempDir();
  const keyPath = tmp.path('signer.key');
  const certPath = tmp.path('signer.pem');
  const subj =
    subject.kind === 'seal'
      ? `/C=PL/2.5.4.97=VATPL-${subject.nip}/O=Firma ${subject.nip}/CN=Firma ${subject.nip} seal`
      : `/C=PL/serialNumber=${subject.pesel ? `PNOPL-${subject.pesel}` : `TINPL-${subject.nip}`}/GN=Jan/SN=Kowalski/CN=Jan Kowalski`;
  const serial = String(100_000 + Math.floor(Math.random() * 900_000));
  openssl(
    'req',
    '-x509',
    ...(key === 'rsa' ? ['-newkey', 'rsa:2048'] : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']),
    '-nodes',
    '-keyout',
    keyPath,
    '-out',
    certPath,
    '-days',
    '3',
    '-set_serial',
    serial,
    '-subj',
    subj,
  );
  const certificatePem = readText(certPath);
  const certificateDer = pemToDer(certificatePem);
  const issuer = openssl('x509', '-in', certPath, '-noout', '-issuer', '-nameopt', 'RFC2253')
    .trim()
    .replace(/^issuer=/, '');
  const sigMethod =
    key === 'rsa'
      ? 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256'
      : 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256';
  const certDigest = createHash('sha256').update(certificateDer).digest('base64');
  let n = 0;
  return {
    certificateDer,
    certificatePem,
    cleanup: () => tmp.cleanup(),
    sign(unsignedXml, options = {}) {
      // The certificate's notBefore is the second it was made: sign at or after it.
      const signingTime = new Date(Math.ceil(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
      const signature = `  <Signature Id="Signature" xmlns="http://www.w3.org/2000/09/xmldsig#">
    <SignedInfo>
      <CanonicalizationMethod Algorithm="${C14N10}" />
      <SignatureMethod Algorithm="${sigMethod}" />
      <Reference URI="">
        <Transforms>
          <Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature" />
          <Transform Algorithm="${EXC}" />
        </Transforms>
        <DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256" />
        <DigestValue></DigestValue>
      </Reference>
      <Reference URI="#SignedProperties" Type="http://uri.etsi.org/01903#SignedProperties">
        <Transforms>
          <Transform Algorithm="${EXC}" />
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
            <xades:SigningTime>${signingTime}</xades:SigningTime>
            <xades:SigningCertificate>
              <xades:Cert>
                <xades:CertDigest>
                  <DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256" />
                  <DigestValue>${certDigest}</DigestValue>
                </xades:CertDigest>
                <xades:IssuerSerial>
                  <X509IssuerName>${issuer}</X509IssuerName>
                  <X509SerialNumber>${serial}</X509SerialNumber>
                </xades:IssuerSerial>
              </xades:Cert>
            </xades:SigningCertificate>
          </xades:SignedSignatureProperties>
        </xades:SignedProperties>
      </xades:QualifyingProperties>
    </Object>
  </Signature>
`;
      const at = unsignedXml.lastIndexOf('</AuthTokenRequest>');
      if (at < 0) throw new Error('not an AuthTokenRequest');
      const template = `${unsignedXml.slice(0, at)}${signature}${unsignedXml.slice(at)}`;
      const id = n++;
      const tmpl = tmp.path(`request-${id}.tmpl.xml`);
      const out = tmp.path(`request-${id}.signed.xml`);
      write(tmpl, template);
      const r = run('xmlsec1', [
        '--sign',
        '--privkey-pem',
        `${keyPath},${certPath}`,
        '--id-attr:Id',
        'http://uri.etsi.org/01903/v1.3.2#:SignedProperties',
        '--output',
        out,
        tmpl,
      ]);
      if (r.code !== 0) throw new Error(`xmlsec1 --sign failed: ${r.err}`);
      const signed = readText(out);
      return options.alterAfterSigning ? options.alterAfterSigning(signed) : signed;
    },
  };
}

/** xmlsec1's own verdict on a signed file (an independent check of what the test submits). */
export function xmlsec1Verifies(signedXml: string, certificatePem: string): boolean {
  const tmp = tempDir();
  try {
    write(tmp.path('cert.pem'), certificatePem);
    write(tmp.path('signed.xml'), signedXml);
    return (
      run('xmlsec1', [
        '--verify',
        '--trusted-pem',
        tmp.path('cert.pem'),
        '--id-attr:Id',
        'http://uri.etsi.org/01903/v1.3.2#:SignedProperties',
        tmp.path('signed.xml'),
      ]).code === 0
    );
  } finally {
    tmp.cleanup();
  }
}

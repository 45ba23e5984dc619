/**
 * Helpers for the sandbox's integration tests. The sandbox is driven over plain HTTP (fetch) and
 * proved with tools we did not write: openssl makes the keys, certificates and CSRs, xmlsec1
 * makes the XAdES signatures, openssl pkeyutl encrypts KSeF tokens. Nothing here imports the
 * product's crypto or KSeF client.
 */
import { createHash, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { openssl, pemToDer, readText, run, tempDir, write } from '../crypto-interop/openssl.ts';

export type Json = Record<string, unknown>;
export type Reply = { status: number; headers: Headers; body: Json; text: string };

export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: {
    token?: string;
    json?: unknown;
    body?: string | Uint8Array;
    headers?: Record<string, string>;
  } = {},
): Promise<Reply> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | Uint8Array | undefined = options.body;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${baseUrl}${path}`, { method, headers, body: body as BodyInit | undefined });
  const text = await res.text();
  let parsed: Json = {};
  try {
    parsed = text ? (JSON.parse(text) as Json) : {};
  } catch {
    parsed = {};
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

/** The KSeF exception code of a legacy or problem-details 400 body. */
export function errorCode(reply: Reply): number | undefined {
  const legacy = (reply.body.exception as { exceptionDetailList?: { exceptionCode: number }[] } | undefined)
    ?.exceptionDetailList?.[0]?.exceptionCode;
  const problem = (reply.body.errors as { code: number }[] | undefined)?.[0]?.code;
  return legacy ?? problem;
}

export function errorDetails(reply: Reply): string[] {
  const legacy = (reply.body.exception as { exceptionDetailList?: { details?: string[] }[] } | undefined)
    ?.exceptionDetailList?.[0]?.details;
  const problem = (reply.body.errors as { details?: string[] }[] | undefined)?.[0]?.details;
  return legacy ?? problem ?? [];
}

/** A NIP with a valid checksum (weights 6,5,7,2,3,4,5,6,7), random so tests do not share subjects. */
export function randomNip(): string {
  const w = [6, 5, 7, 2, 3, 4, 5, 6, 7];
  for (;;) {
    const digits = [randomInt(1, 10), ...Array.from({ length: 8 }, () => randomInt(0, 10))];
    const sum = digits.reduce((a, d, i) => a + d * w[i]!, 0) % 11;
    if (sum === 10) continue;
    const nip = [...digits, sum].join('');
    if (/^[1-9]((\d[1-9])|([1-9]\d))\d{7}$/.test(nip)) return nip;
  }
}

/** A PESEL with a valid checksum (born 1985-03-15, random serial). */
export function randomPesel(): string {
  const w = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
  const digits = [8, 5, 0, 3, 1, 5, ...Array.from({ length: 4 }, () => randomInt(0, 10))];
  const sum = digits.reduce((a, d, i) => a + d * w[i]!, 0);
  return [...digits, (10 - (sum % 10)) % 10].join('');
}

export type Identity = {
  keyPath: string;
  certPath: string;
  certDer: Uint8Array;
  fingerprint: string;
  serial: string;
};

export type Workspace = ReturnType<typeof tempDir>;

const KEY_ARGS = {
  rsa: ['-newkey', 'rsa:2048'],
  ec: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  rsa1024: ['-newkey', 'rsa:1024'],
  // .NET's ECDsa.Create() without a curve gives P-521 (REFERENCE §7.4).
  p521: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-521'],
} as const;

/** A self-signed certificate made by openssl for the given subject (`/C=PL/…`). */
export function selfSigned(
  ws: Workspace,
  name: string,
  subject: string,
  key: keyof typeof KEY_ARGS = 'ec',
  extra: string[] = [],
): Identity {
  const keyPath = ws.path(`${name}.key`);
  const certPath = ws.path(`${name}.pem`);
  const serial = String(randomInt(1, 2 ** 47));
  openssl(
    'req',
    '-x509',
    ...KEY_ARGS[key],
    '-nodes',
    '-keyout',
    keyPath,
    '-out',
    certPath,
    '-days',
    '400',
    '-set_serial',
    serial,
    '-subj',
    subject,
    '-utf8',
    ...extra,
  );
  const certDer = pemToDer(readText(certPath));
  return {
    keyPath,
    certPath,
    certDer,
    fingerprint: createHash('sha256').update(certDer).digest('hex').toUpperCase(),
    serial,
  };
}

export const sealSubject = (nip: string) => `/C=PL/2.5.4.97=VATPL-${nip}/O=Firma ${nip}/CN=Pieczęć ${nip}`;
export const personNipSubject = (nip: string) =>
  `/C=PL/2.5.4.42=Jan/2.5.4.4=Kowalski/2.5.4.5=TINPL-${nip}/CN=Jan Kowalski`;
export const personPeselSubject = (pesel: string) =>
  `/C=PL/2.5.4.42=Anna/2.5.4.4=Nowak/2.5.4.5=PNOPL-${pesel}/CN=Anna Nowak`;

export const DSIG = 'http://www.w3.org/2000/09/xmldsig#';
const C14N10 = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
export const SIGNATURE_METHODS = {
  rsa: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  ec: 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256',
} as const;

export type RequestOptions = {
  challenge: string;
  context: { type: 'Nip' | 'InternalId' | 'NipVatUe' | 'PeppolId'; value: string };
  subjectType?: 'certificateSubject' | 'certificateFingerprint';
  allowedIps?: string[];
  namespace?: '2.0' | '2.1';
};

/** The unsigned AuthTokenRequest, as the official C# client lays it out (REFERENCE §6.1). */
export function authTokenRequest(o: RequestOptions): string {
  const ns = `http://ksef.mf.gov.pl/auth/token/${o.namespace ?? '2.0'}`;
  const policy = o.allowedIps?.length
    ? `\n  <AuthorizationPolicy>\n    <AllowedIps>\n${o.allowedIps.map((ip) => `      <Ip4Address>${ip}</Ip4Address>`).join('\n')}\n    </AllowedIps>\n  </AuthorizationPolicy>`
    : '';
  return `<?xml version="1.0" encoding="utf-8"?>
<AuthTokenRequest xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns="${ns}">
  <Challenge>${o.challenge}</Challenge>
  <ContextIdentifier>
    <${o.context.type}>${o.context.value}</${o.context.type}>
  </ContextIdentifier>
  <SubjectIdentifierType>${o.subjectType ?? 'certificateSubject'}</SubjectIdentifierType>${policy}
SIGNATURE</AuthTokenRequest>
`;
}

export type SignatureShape = 'csharp' | 'dss';

/**
 * An enveloping XAdES-BES template: the ds:Signature is the root and the AuthTokenRequest sits in a
 * ds:Object referenced by Id (REFERENCE §6.2 allows enveloped and enveloping).
 */
export function envelopingTemplate(request: string, id: Identity, method: string): string {
  const certDigest = createHash('sha256').update(id.certDer).digest('base64');
  const body = request.replace(/^<\?xml[^>]*>\s*/, '').replace('SIGNATURE', '');
  return `<?xml version="1.0" encoding="utf-8"?>
<ds:Signature xmlns:ds="${DSIG}" Id="sig-1">
  <ds:SignedInfo>
    <ds:CanonicalizationMethod Algorithm="${EXC_C14N}"/>
    <ds:SignatureMethod Algorithm="${method}"/>
    <ds:Reference URI="#request-1">
      <ds:Transforms><ds:Transform Algorithm="${EXC_C14N}"/></ds:Transforms>
      <ds:DigestMethod Algorithm="${SHA256}"/>
      <ds:DigestValue></ds:DigestValue>
    </ds:Reference>
    <ds:Reference URI="#sp-1" Type="http://uri.etsi.org/01903#SignedProperties">
      <ds:Transforms><ds:Transform Algorithm="${EXC_C14N}"/></ds:Transforms>
      <ds:DigestMethod Algorithm="${SHA256}"/>
      <ds:DigestValue></ds:DigestValue>
    </ds:Reference>
  </ds:SignedInfo>
  <ds:SignatureValue></ds:SignatureValue>
  <ds:KeyInfo><ds:X509Data><ds:X509Certificate></ds:X509Certificate></ds:X509Data></ds:KeyInfo>
  <ds:Object Id="request-1">${body}</ds:Object>
  <ds:Object>
    <xades:QualifyingProperties xmlns:xades="http://uri.etsi.org/01903/v1.3.2#" Target="#sig-1">
      <xades:SignedProperties Id="sp-1">
        <xades:SignedSignatureProperties>
          <xades:SigningTime>${new Date().toISOString()}</xades:SigningTime>
          <xades:SigningCertificate>
            <xades:Cert>
              <xades:CertDigest>
                <ds:DigestMethod Algorithm="${SHA256}"/>
                <ds:DigestValue>${certDigest}</ds:DigestValue>
              </xades:CertDigest>
            </xades:Cert>
          </xades:SigningCertificate>
        </xades:SignedSignatureProperties>
      </xades:SignedProperties>
    </xades:QualifyingProperties>
  </ds:Object>
</ds:Signature>
`;
}

/**
 * The XAdES-BES template xmlsec1 fills in. `csharp`: unprefixed xmldsig namespace, inclusive C14N
 * 1.0 SignedInfo, enveloped transform (what the official C# client emits). `dss`: ds:/xades:
 * prefixes, exclusive C14N, the XPath not(ancestor-or-self::ds:Signature) transform (EU DSS, Java).
 */
export function signatureTemplate(
  id: Identity,
  method: string,
  shape: SignatureShape,
  // Now: openssl's certificates start at the second they are made (the C# client signs a minute in
  // the past because its test certificates start an hour in the past).
  signingTime = new Date().toISOString(),
): string {
  const certDigest = createHash('sha256').update(id.certDer).digest('base64');
  const p = shape === 'dss' ? 'ds:' : '';
  const nsDecl = shape === 'dss' ? `xmlns:ds="${DSIG}"` : `xmlns="${DSIG}"`;
  const c14n = shape === 'dss' ? EXC_C14N : C14N10;
  const enveloped =
    shape === 'dss'
      ? `<${p}Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"><${p}XPath>not(ancestor-or-self::ds:Signature)</${p}XPath></${p}Transform>`
      : `<${p}Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/>`;
  const sigId = shape === 'dss' ? 'id-5f1c0a' : 'Signature';
  const spId = shape === 'dss' ? 'xades-id-5f1c0a' : 'SignedProperties';
  return `  <${p}Signature ${nsDecl} Id="${sigId}">
    <${p}SignedInfo>
      <${p}CanonicalizationMethod Algorithm="${c14n}"/>
      <${p}SignatureMethod Algorithm="${method}"/>
      <${p}Reference URI="">
        <${p}Transforms>
          ${enveloped}
          <${p}Transform Algorithm="${EXC_C14N}"/>
        </${p}Transforms>
        <${p}DigestMethod Algorithm="${SHA256}"/>
        <${p}DigestValue></${p}DigestValue>
      </${p}Reference>
      <${p}Reference URI="#${spId}" Type="http://uri.etsi.org/01903#SignedProperties">
        <${p}Transforms>
          <${p}Transform Algorithm="${EXC_C14N}"/>
        </${p}Transforms>
        <${p}DigestMethod Algorithm="${SHA256}"/>
        <${p}DigestValue></${p}DigestValue>
      </${p}Reference>
    </${p}SignedInfo>
    <${p}SignatureValue></${p}SignatureValue>
    <${p}KeyInfo>
      <${p}X509Data>
        <${p}X509Certificate></${p}X509Certificate>
      </${p}X509Data>
    </${p}KeyInfo>
    <${p}Object>
      <xades:QualifyingProperties xmlns:xades="http://uri.etsi.org/01903/v1.3.2#" Target="#${sigId}">
        <xades:SignedProperties Id="${spId}">
          <xades:SignedSignatureProperties>
            <xades:SigningTime>${signingTime}</xades:SigningTime>
            <xades:SigningCertificate>
              <xades:Cert>
                <xades:CertDigest>
                  <${p}DigestMethod Algorithm="${SHA256}"/>
                  <${p}DigestValue>${certDigest}</${p}DigestValue>
                </xades:CertDigest>
                <xades:IssuerSerial>
                  <${p}X509IssuerName>CN=issuer</${p}X509IssuerName>
                  <${p}X509SerialNumber>${id.serial}</${p}X509SerialNumber>
                </xades:IssuerSerial>
              </xades:Cert>
            </xades:SigningCertificate>
          </xades:SignedSignatureProperties>
        </xades:SignedProperties>
      </xades:QualifyingProperties>
    </${p}Object>
  </${p}Signature>
`;
}

let counter = 0;

/** Signs a document containing the `SIGNATURE` placeholder with xmlsec1; returns the signed bytes. */
export function xmlsecSign(
  ws: Workspace,
  document: string,
  id: Identity,
  method: string,
  shape: SignatureShape = 'csharp',
  signingTime?: string,
): Buffer {
  return xmlsecSignTemplate(
    ws,
    document.replace('SIGNATURE', signatureTemplate(id, method, shape, signingTime)),
    id,
  );
}

/** Fills in a complete XML-DSig template (any packaging) with xmlsec1. */
export function xmlsecSignTemplate(ws: Workspace, template: string, id: Identity): Buffer {
  counter += 1;
  const tmpl = ws.path(`req-${counter}.tmpl.xml`);
  const out = ws.path(`req-${counter}.signed.xml`);
  write(tmpl, template);
  const r = run('xmlsec1', [
    '--sign',
    '--privkey-pem',
    `${id.keyPath},${id.certPath}`,
    '--id-attr:Id',
    'http://uri.etsi.org/01903/v1.3.2#:SignedProperties',
    '--output',
    out,
    tmpl,
  ]);
  if (r.code !== 0) throw new Error(`xmlsec1 --sign failed: ${r.err}`);
  return Buffer.from(readText(out), 'utf8');
}

/** xmlsec1's own verdict on a signed file (with the signer's certificate as trusted). */
export function xmlsecVerify(ws: Workspace, signed: Buffer | string, id: Identity): boolean {
  counter += 1;
  const file = ws.path(`verify-${counter}.xml`);
  write(file, signed);
  const r = run('xmlsec1', [
    '--verify',
    '--trusted-pem',
    id.certPath,
    '--id-attr:Id',
    'http://uri.etsi.org/01903/v1.3.2#:SignedProperties',
    file,
  ]);
  return r.code === 0;
}

export async function challenge(
  baseUrl: string,
): Promise<{ challenge: string; timestampMs: number; clientIp: string }> {
  const r = await call(baseUrl, 'POST', '/auth/challenge');
  if (r.status !== 200) throw new Error(`challenge: ${r.status} ${r.text}`);
  return r.body as { challenge: string; timestampMs: number; clientIp: string };
}

export const submitXades = (baseUrl: string, signed: Buffer | string, query = '') =>
  call(baseUrl, 'POST', `/auth/xades-signature${query}`, {
    body: typeof signed === 'string' ? signed : new Uint8Array(signed),
    headers: { 'content-type': 'application/xml' },
  });

export async function waitForStatus(
  baseUrl: string,
  ref: string,
  operationToken: string,
  timeoutMs = 10_000,
) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await call(baseUrl, 'GET', `/auth/${ref}`, { token: operationToken });
    const code = (r.body.status as { code: number } | undefined)?.code;
    if (r.status !== 200 || code !== 100 || Date.now() > until) return r;
    await new Promise((ok) => setTimeout(ok, 20));
  }
}

export type Session = {
  referenceNumber: string;
  operationToken: string;
  accessToken: string;
  refreshToken: string;
  status: Reply;
};

/** Signed login end to end: challenge → xmlsec1 signature → submit → status → redeem. */
export async function loginWithSignature(
  baseUrl: string,
  ws: Workspace,
  id: Identity,
  context: RequestOptions['context'],
  options: { subjectType?: RequestOptions['subjectType']; method?: string; allowedIps?: string[] } = {},
): Promise<Session> {
  const { challenge: c } = await challenge(baseUrl);
  const doc = authTokenRequest({
    challenge: c,
    context,
    subjectType: options.subjectType,
    allowedIps: options.allowedIps,
  });
  const method = options.method ?? SIGNATURE_METHODS.ec;
  const signed = xmlsecSign(ws, doc, id, method);
  const submitted = await submitXades(baseUrl, signed);
  if (submitted.status !== 202) throw new Error(`xades-signature: ${submitted.status} ${submitted.text}`);
  const ref = submitted.body.referenceNumber as string;
  const operationToken = (submitted.body.authenticationToken as { token: string }).token;
  const status = await waitForStatus(baseUrl, ref, operationToken);
  const code = (status.body.status as { code: number }).code;
  if (code !== 200) throw new Error(`auth status ${code}: ${status.text}`);
  const redeemed = await call(baseUrl, 'POST', '/auth/token/redeem', { token: operationToken });
  if (redeemed.status !== 200) throw new Error(`redeem: ${redeemed.status} ${redeemed.text}`);
  return {
    referenceNumber: ref,
    operationToken,
    accessToken: (redeemed.body.accessToken as { token: string }).token,
    refreshToken: (redeemed.body.refreshToken as { token: string }).token,
    status,
  };
}

/** RSA-OAEP-SHA256 of `token|timestampMs` by `openssl pkeyutl` with the published certificate. */
export function opensslEncryptToken(ws: Workspace, certificateBase64: string, plaintext: string): string {
  counter += 1;
  const certPath = ws.path(`enc-${counter}.der`);
  write(certPath, Buffer.from(certificateBase64, 'base64'));
  const pubPath = ws.path(`enc-${counter}.pub.pem`);
  openssl('x509', '-inform', 'DER', '-in', certPath, '-pubkey', '-noout', '-out', pubPath);
  const inPath = ws.path(`enc-${counter}.in`);
  const outPath = ws.path(`enc-${counter}.out`);
  write(inPath, plaintext);
  openssl(
    'pkeyutl',
    '-encrypt',
    '-pubin',
    '-inkey',
    pubPath,
    '-in',
    inPath,
    '-out',
    outPath,
    '-pkeyopt',
    'rsa_padding_mode:oaep',
    '-pkeyopt',
    'rsa_oaep_md:sha256',
    '-pkeyopt',
    'rsa_mgf1_md:sha256',
  );
  return Buffer.from(readTextBinary(outPath)).toString('base64');
}

const readTextBinary = (p: string) => readFileSync(p);

export { openssl, pemToDer, readText, run, tempDir, write };

/**
 * POST /auth/xades-signature against documents signed by xmlsec1 with openssl-made keys: both
 * official client shapes are accepted (RSA and EC), every signed part tampered after signing is
 * refused with KSeF's code and detail, and the identity rules of REFERENCE §7 apply.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../../sandbox/server.ts';
import {
  authTokenRequest,
  call,
  challenge,
  envelopingTemplate,
  errorCode,
  errorDetails,
  type Identity,
  personNipSubject,
  personPeselSubject,
  randomNip,
  randomPesel,
  SIGNATURE_METHODS,
  sealSubject,
  selfSigned,
  signatureTemplate,
  submitXades,
  tempDir,
  waitForStatus,
  xmlsecSign,
  xmlsecSignTemplate,
  xmlsecVerify,
} from './helpers.ts';

const ws = tempDir();
let sandbox: Sandbox;
let base: string;
const nip = randomNip();
let ec: Identity;
let rsa: Identity;

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimits: 'off', seed: false });
  base = sandbox.baseUrl;
  ec = selfSigned(ws, 'seal-ec', sealSubject(nip), 'ec');
  rsa = selfSigned(ws, 'seal-rsa', sealSubject(nip), 'rsa');
});
afterAll(async () => {
  await sandbox.close();
  ws.cleanup();
});

async function signedFor(
  id: Identity,
  method: string,
  shape: 'csharp' | 'dss' = 'csharp',
  context = { type: 'Nip' as const, value: nip },
) {
  const { challenge: c } = await challenge(base);
  return xmlsecSign(ws, authTokenRequest({ challenge: c, context }), id, method, shape);
}

describe('a signature made by xmlsec1 with an openssl key and certificate', () => {
  for (const shape of ['csharp', 'dss'] as const) {
    for (const kind of ['ec', 'rsa'] as const) {
      it(`is accepted in the ${shape} shape with ${kind.toUpperCase()}, and the login ends with status 200`, async () => {
        const id = kind === 'ec' ? ec : rsa;
        const signed = await signedFor(id, SIGNATURE_METHODS[kind], shape);
        expect(xmlsecVerify(ws, signed, id)).toBe(true);
        const r = await submitXades(base, signed);
        expect(r.status).toBe(202);
        expect(r.body.referenceNumber).toMatch(/^\d{8}-AU-[0-9A-F]{10}-[0-9A-F]{10}-[0-9A-F]{2}$/);
        const token = (r.body.authenticationToken as { token: string; validUntil: string }).token;
        const status = await waitForStatus(base, r.body.referenceNumber as string, token);
        expect(status.body.status).toEqual({
          code: 200,
          description: 'Uwierzytelnianie zakończone sukcesem',
        });
        expect(status.body.authenticationMethod).toBe('QualifiedSeal');
        expect(status.body.authenticationMethodInfo).toEqual({
          category: 'XadesSignature',
          code: 'xades.qualified-seal',
          displayName: 'Pieczęć kwalifikowana',
        });
      });
    }
  }
});

describe('an enveloping signature (the request inside ds:Object), signed by xmlsec1', () => {
  it('is accepted, and a changed NIP inside the object is a digest error', async () => {
    const { challenge: c } = await challenge(base);
    const template = envelopingTemplate(
      authTokenRequest({ challenge: c, context: { type: 'Nip', value: nip } }),
      ec,
      SIGNATURE_METHODS.ec,
    );
    const signed = xmlsecSignTemplate(ws, template, ec);
    expect(xmlsecVerify(ws, signed, ec)).toBe(true);
    const tampered = signed.toString('utf8').replace(`<Nip>${nip}</Nip>`, `<Nip>${randomNip()}</Nip>`);
    const bad = await submitXades(base, tampered);
    expect(errorCode(bad)).toBe(9105);
    expect(errorDetails(bad)).toEqual([
      "Nieprawidłowa wartość skrótu dla referencji wskazującej na element 'request-1'.",
    ]);
    const r = await submitXades(base, signed);
    expect(r.status).toBe(202);
    const status = await waitForStatus(
      base,
      r.body.referenceNumber as string,
      (r.body.authenticationToken as { token: string }).token,
    );
    expect(status.body.status).toMatchObject({ code: 200 });
  });
});

describe('the same signed document tampered after signing', () => {
  let signed: string;
  beforeAll(async () => {
    signed = (await signedFor(rsa, SIGNATURE_METHODS.rsa)).toString('utf8');
  });
  const cases: [string, (doc: string) => string, string][] = [
    [
      'the NIP in the request',
      (d) => d.replace(`<Nip>${nip}</Nip>`, `<Nip>${randomNip()}</Nip>`),
      "Nieprawidłowa wartość skrótu dla referencji wskazującej na element ''.",
    ],
    [
      'the SigningTime in SignedProperties',
      (d) => d.replace(/<xades:SigningTime>[^<]+</, '<xades:SigningTime>2026-01-01T00:00:00Z<'),
      "Nieprawidłowa wartość skrótu dla referencji wskazującej na element 'SignedProperties'.",
    ],
    [
      'a digest value in SignedInfo',
      (d) =>
        d.replace(/(<DigestValue>)([A-Za-z0-9+/])/, (_m, open, ch) => `${open}${ch === 'A' ? 'B' : 'A'}`),
      // References are checked before the signature value (XML-DSig core validation order).
      "Nieprawidłowa wartość skrótu dla referencji wskazującej na element ''.",
    ],
    [
      'the SignatureValue',
      (d) =>
        d.replace(
          /(<SignatureValue>\s*)([A-Za-z0-9+/])/,
          (_m, open, ch) => `${open}${ch === 'A' ? 'B' : 'A'}`,
        ),
      'Podpis zweryfikowany negatywnie.',
    ],
    [
      'the certificate in KeyInfo (swapped for another one)',
      (d) =>
        d.replace(
          /<X509Certificate>[^<]+<\/X509Certificate>/,
          `<X509Certificate>${Buffer.from(ec.certDer).toString('base64')}</X509Certificate>`,
        ),
      'Format podpisu niezgodny z akceptowanymi profilami XAdES.',
    ],
    [
      'the signature method URI (RSA-PSS bytes under rsa-sha256 and vice versa)',
      (d) => d.replace(SIGNATURE_METHODS.rsa, 'http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1'),
      'Podpis zweryfikowany negatywnie.',
    ],
  ];
  for (const [part, tamper, detail] of cases) {
    it(`is refused with 9105 when ${part} changed, and xmlsec1 agrees it is broken`, async () => {
      const bad = tamper(signed);
      expect(bad).not.toBe(signed);
      const r = await submitXades(base, bad);
      expect(r.status).toBe(400);
      expect(errorCode(r)).toBe(9105);
      expect(errorDetails(r)).toEqual([detail]);
      if (!part.startsWith('the certificate')) expect(xmlsecVerify(ws, bad, rsa)).toBe(false);
    });
  }

  it('is refused with 9105 "Format…" when the SignedProperties reference loses its Type', async () => {
    const unsigned = authTokenRequest({
      challenge: (await challenge(base)).challenge,
      context: { type: 'Nip', value: nip },
    });
    const doc = xmlsecSign(ws, unsigned, rsa, SIGNATURE_METHODS.rsa).toString('utf8');
    const r = await submitXades(base, doc.replace(' Type="http://uri.etsi.org/01903#SignedProperties"', ''));
    expect(errorCode(r)).toBe(9105);
    expect(errorDetails(r)).toEqual(['Format podpisu niezgodny z akceptowanymi profilami XAdES.']);
  });
});

describe('soft profile problems (X-System-Warning, as TEST sends them — #844)', () => {
  it('accepts a SigningTime outside the certificate’s validity with [sig-001], and none for a correct one', async () => {
    const { challenge: c } = await challenge(base);
    const doc = authTokenRequest({ challenge: c, context: { type: 'Nip', value: nip } });
    const odd = await submitXades(
      base,
      xmlsecSign(ws, doc, ec, SIGNATURE_METHODS.ec, 'csharp', '2001-01-01T00:00:00Z'),
    );
    expect(odd.status).toBe(202);
    expect(odd.headers.get('x-system-warning')).toBe(
      '[sig-001]: Format podpisu niezgodny z akceptowanymi profilami XAdES',
    );
    const fine = await submitXades(base, await signedFor(ec, SIGNATURE_METHODS.ec));
    expect(fine.status).toBe(202);
    expect(fine.headers.get('x-system-warning')).toBeNull();
  });
  it('echoes X-Test-System-Warning ASCII-folded, in test mode only', async () => {
    // fetch sends header values as bytes: the UTF-8 text goes as its Latin-1 code units.
    const utf8 = Buffer.from('[tst-001]: Zażółć gęślą jaźń', 'utf8').toString('latin1');
    const r = await call(base, 'POST', '/auth/challenge', { headers: { 'x-test-system-warning': utf8 } });
    expect(r.headers.get('x-system-warning')).toBe('[tst-001]: Zazolc gesla jazn');
    sandbox.control.configure({ mode: 'demo' });
    try {
      const d = await call(base, 'POST', '/auth/challenge', {
        headers: { 'x-test-system-warning': '[tst-001]: x' },
      });
      expect(d.headers.get('x-system-warning')).toBeNull();
    } finally {
      sandbox.control.configure({ mode: 'test' });
    }
  });
});

describe('valid signatures outside KSeF’s XAdES profile (the template changed before xmlsec1 signs)', () => {
  const SHA1 = 'http://www.w3.org/2000/09/xmldsig#sha1';
  const cases: [string, (t: string) => string, number, string][] = [
    [
      'QualifyingProperties targets another signature',
      (t) => t.replace('Target="#Signature"', 'Target="#SomethingElse"'),
      9105,
      'Format podpisu niezgodny z akceptowanymi profilami XAdES.',
    ],
    [
      'SignedProperties is not referenced',
      (t) => t.replace(/<Reference URI="#SignedProperties"[\s\S]*?<\/Reference>/, ''),
      9105,
      'Format podpisu niezgodny z akceptowanymi profilami XAdES.',
    ],
    [
      'the document reference uses SHA-1 (ksef-client-csharp#215)',
      (t) =>
        t.replace(
          '<DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/>',
          `<DigestMethod Algorithm="${SHA1}"/>`,
        ),
      9105,
      'Podpis złożony z użyciem niewspieranego algorytmu kryptograficznego.',
    ],
    [
      'SigningCertificate names another serial number',
      (t) => t.replace(/<X509SerialNumber>\d+<\/X509SerialNumber>/, '<X509SerialNumber>1</X509SerialNumber>'),
      9105,
      'Format podpisu niezgodny z akceptowanymi profilami XAdES.',
    ],
    [
      'KeyInfo carries no certificate',
      (t) => t.replace(/<KeyInfo>[\s\S]*?<\/KeyInfo>/, ''),
      21115,
      'Brak certyfikatu podpisującego w KeyInfo.',
    ],
  ];
  for (const [what, mutate, code, detail] of cases) {
    it(`refuses one where ${what}: ${code}`, async () => {
      const { challenge: c } = await challenge(base);
      const doc = authTokenRequest({ challenge: c, context: { type: 'Nip', value: nip } });
      const template = doc.replace(
        'SIGNATURE',
        mutate(signatureTemplate(rsa, SIGNATURE_METHODS.rsa, 'csharp')),
      );
      const signed = xmlsecSignTemplate(ws, template, rsa);
      const r = await submitXades(base, signed);
      expect(r.status).toBe(400);
      expect(errorCode(r)).toBe(code);
      expect(errorDetails(r)).toEqual([detail]);
    });
  }
  it('accepts SigningCertificateV2 (EN 319 132) in place of SigningCertificate', async () => {
    const { challenge: c } = await challenge(base);
    const doc = authTokenRequest({ challenge: c, context: { type: 'Nip', value: nip } });
    const v2 = signatureTemplate(rsa, SIGNATURE_METHODS.rsa, 'csharp')
      .replaceAll('xades:SigningCertificate>', 'xades:SigningCertificateV2>')
      .replace(
        /<xades:IssuerSerial>[\s\S]*?<\/xades:IssuerSerial>/,
        '<xades:IssuerSerialV2>MAA=</xades:IssuerSerialV2>',
      );
    const r = await submitXades(base, xmlsecSignTemplate(ws, doc.replace('SIGNATURE', v2), rsa));
    expect(r.status).toBe(202);
  });
});

describe('documents that are not an acceptable signed request', () => {
  it('answers 415 for a body sent as text/plain (#109)', async () => {
    const r = await call(base, 'POST', '/auth/xades-signature', {
      body: '<a/>',
      headers: { 'content-type': 'text/plain' },
    });
    expect(r.status).toBe(415);
  });
  it('answers 21001 for unreadable XML and for a DTD', async () => {
    for (const body of [
      '<AuthTokenRequest',
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
      '',
    ]) {
      const r = await submitXades(base, body);
      expect(errorCode(r)).toBe(21001);
    }
  });
  it('answers 21217 for a document that is not UTF-8', async () => {
    const latin2 = Buffer.from('<?xml version="1.0" encoding="ISO-8859-2"?><AuthTokenRequest/>', 'latin1');
    expect(errorCode(await submitXades(base, latin2))).toBe(21217);
    expect(errorCode(await submitXades(base, Buffer.from([0x3c, 0x61, 0xff, 0x3e])))).toBe(21217);
  });
  it('answers 9102 for an unsigned request and 9103 for two signatures', async () => {
    const unsigned = authTokenRequest({
      challenge: (await challenge(base)).challenge,
      context: { type: 'Nip', value: nip },
    });
    expect(errorCode(await submitXades(base, unsigned.replace('SIGNATURE', '')))).toBe(9102);
    const signed = (await signedFor(ec, SIGNATURE_METHODS.ec)).toString('utf8');
    const signature = /<Signature[\s\S]*<\/Signature>/.exec(signed)![0];
    const twice = signed.replace('</AuthTokenRequest>', `${signature}</AuthTokenRequest>`);
    expect(errorCode(await submitXades(base, twice))).toBe(9103);
  });
  it('answers 21401 with the validator text for a request that breaks the schema', async () => {
    const c = (await challenge(base)).challenge;
    const doc = authTokenRequest({ challenge: c, context: { type: 'Nip', value: '123' } });
    const r = await submitXades(base, doc.replace('SIGNATURE', ''));
    expect(errorCode(r)).toBe(21401);
    expect(errorDetails(r)[0]).toContain("'Nip'");
  });
  it('answers 21115 when the KeyInfo certificate is not Base64 or not a certificate', async () => {
    const signed = (await signedFor(ec, SIGNATURE_METHODS.ec)).toString('utf8');
    for (const cert of ['***not-base64***', Buffer.from('not a certificate').toString('base64')]) {
      const bad = signed.replace(
        /<X509Certificate>[^<]+<\/X509Certificate>/,
        `<X509Certificate>${cert}</X509Certificate>`,
      );
      const r = await submitXades(base, bad);
      expect(errorCode(r)).toBe(21115);
    }
  });
  it('reads the XSD facets as KSeF does: 2.1 NipVatUe/PeppolId with ^…$ and 2.0 IPv4 with \\b pass the schema', async () => {
    for (const [namespace, context] of [
      ['2.1', { type: 'NipVatUe', value: `${nip}-ATU12345678` }],
      ['2.1', { type: 'PeppolId', value: 'PPL123456' }],
      ['2.0', { type: 'NipVatUe', value: `${nip}-DE123456789` }],
    ] as const) {
      const { challenge: c } = await challenge(base);
      const doc = authTokenRequest({ challenge: c, context, namespace });
      // Past the schema (not 21401): a NIP subject does not fit these contexts (21117).
      expect(errorCode(await submitXades(base, xmlsecSign(ws, doc, ec, SIGNATURE_METHODS.ec)))).toBe(21117);
    }
    for (const namespace of ['2.0', '2.1'] as const) {
      const { challenge: c } = await challenge(base);
      const good = authTokenRequest({
        challenge: c,
        context: { type: 'Nip', value: nip },
        namespace,
        allowedIps: ['10.1.2.3'],
      });
      expect((await submitXades(base, xmlsecSign(ws, good, ec, SIGNATURE_METHODS.ec))).status).toBe(202);
      const { challenge: c2 } = await challenge(base);
      const bad = authTokenRequest({
        challenge: c2,
        context: { type: 'Nip', value: nip },
        namespace,
        allowedIps: ['10.1.2.300'],
      });
      expect(errorCode(await submitXades(base, xmlsecSign(ws, bad, ec, SIGNATURE_METHODS.ec)))).toBe(21401);
    }
  });
  it('answers 9101 for XML that is not an AuthTokenRequest', async () => {
    expect(errorCode(await submitXades(base, '<Invoice xmlns="urn:x"/>'))).toBe(9101);
  });
});

describe('the challenge inside the signed document', () => {
  it('is single use: the second submission of the same document gets 21111', async () => {
    const signed = await signedFor(ec, SIGNATURE_METHODS.ec);
    expect((await submitXades(base, signed)).status).toBe(202);
    const again = await submitXades(base, signed);
    expect(again.status).toBe(400);
    expect(errorCode(again)).toBe(21111);
  });
  it('is single use under concurrency too: two simultaneous submissions give one 202 and one 21111', async () => {
    const signed = await signedFor(ec, SIGNATURE_METHODS.ec);
    const replies = await Promise.all([
      submitXades(base, signed),
      submitXades(base, signed),
      submitXades(base, signed),
    ]);
    expect(replies.map((r) => r.status).sort()).toEqual([202, 400, 400]);
  });
  it('expires after 10 minutes (21111)', async () => {
    const signed = await signedFor(ec, SIGNATURE_METHODS.ec);
    sandbox.control.advanceTime(10 * 60 * 1000);
    expect(errorCode(await submitXades(base, signed))).toBe(21111);
  });
  it('must be one the sandbox issued (21111 for a well-formed unknown one)', async () => {
    const doc = authTokenRequest({
      challenge: '20250604-CR-461EA5B000-537A6BA15D-D7',
      context: { type: 'Nip', value: nip },
    });
    expect(errorCode(await submitXades(base, xmlsecSign(ws, doc, ec, SIGNATURE_METHODS.ec)))).toBe(21111);
  });
});

describe('who signed (REFERENCE §7)', () => {
  async function loginStatus(
    id: Identity,
    context: { type: 'Nip' | 'NipVatUe'; value: string },
    subjectType?: 'certificateFingerprint',
  ) {
    const { challenge: c } = await challenge(base);
    const signed = xmlsecSign(
      ws,
      authTokenRequest({ challenge: c, context, subjectType }),
      id,
      SIGNATURE_METHODS.ec,
    );
    const r = await submitXades(base, signed);
    if (r.status !== 202) return r;
    return waitForStatus(
      base,
      r.body.referenceNumber as string,
      (r.body.authenticationToken as { token: string }).token,
    );
  }
  it('a personal certificate with TINPL-<nip> is the owner of that NIP', async () => {
    const n = randomNip();
    const r = await loginStatus(selfSigned(ws, `p-${n}`, personNipSubject(n)), { type: 'Nip', value: n });
    expect(r.body.status).toMatchObject({ code: 200 });
    expect(r.body.authenticationMethod).toBe('QualifiedSignature');
  });
  it('a PESEL certificate without a NIP–PESEL link has no permissions (415)', async () => {
    const r = await loginStatus(selfSigned(ws, 'pesel', personPeselSubject(randomPesel())), {
      type: 'Nip',
      value: randomNip(),
    });
    expect(r.body.status).toEqual({
      code: 415,
      description: 'Uwierzytelnianie zakończone niepowodzeniem',
      details: ['Brak przypisanych uprawnień'],
    });
  });
  it('a seal that also names a person (givenName) is refused with 21115', async () => {
    const n = randomNip();
    const bad = selfSigned(ws, 'seal-person', `/C=PL/2.5.4.97=VATPL-${n}/2.5.4.42=Jan/O=Firma/CN=Firma`);
    const r = await loginStatus(bad, { type: 'Nip', value: n });
    expect(errorCode(r)).toBe(21115);
  });
  it('a certificate without NIP or PESEL needs certificateFingerprint (21406), then a fingerprint grant', async () => {
    const n = randomNip();
    const foreign = selfSigned(ws, 'foreign', '/C=DE/CN=Hans Muster');
    expect(errorCode(await loginStatus(foreign, { type: 'Nip', value: n }))).toBe(21406);
    const before = await loginStatus(foreign, { type: 'Nip', value: n }, 'certificateFingerprint');
    expect(before.body.status).toMatchObject({ code: 415 });
    const grant = await call(base, 'POST', '/testdata/permissions', {
      json: {
        contextIdentifier: { type: 'Nip', value: n },
        authorizedIdentifier: { type: 'Fingerprint', value: foreign.fingerprint },
        permissions: [{ permissionType: 'InvoiceRead', description: 'Odczyt faktur' }],
      },
    });
    expect(grant.status).toBe(200);
    const after = await loginStatus(foreign, { type: 'Nip', value: n }, 'certificateFingerprint');
    expect(after.body.status).toMatchObject({ code: 200 });
  });
  it('a NIP subject in a NipVatUe context is 21117', async () => {
    const r = await loginStatus(ec, { type: 'NipVatUe', value: `${nip}-DE123456789` });
    expect(errorCode(r)).toBe(21117);
  });
  it('verifyCertificateChain=true makes a self-signed certificate fail with 460 "Niezaufany łańcuch certyfikatów"', async () => {
    const { challenge: c } = await challenge(base);
    const signed = xmlsecSign(
      ws,
      authTokenRequest({ challenge: c, context: { type: 'Nip', value: nip } }),
      ec,
      SIGNATURE_METHODS.ec,
    );
    const r = await submitXades(base, signed, '?verifyCertificateChain=true');
    const status = await waitForStatus(
      base,
      r.body.referenceNumber as string,
      (r.body.authenticationToken as { token: string }).token,
    );
    expect(status.body.status).toEqual({
      code: 460,
      description: 'Uwierzytelnianie zakończone niepowodzeniem z powodu błędu certyfikatu',
      details: ['Niezaufany łańcuch certyfikatów'],
    });
  });
  it('in demo mode a self-signed certificate is 21115 (m32/ksef#34)', async () => {
    sandbox.control.configure({ mode: 'demo' });
    try {
      const r = await submitXades(base, await signedFor(ec, SIGNATURE_METHODS.ec));
      expect(errorCode(r)).toBe(21115);
    } finally {
      sandbox.control.configure({ mode: 'test' });
    }
  });
  it('a P-521 key (the .NET default curve) signing with ecdsa-sha512 is accepted', async () => {
    const p521 = selfSigned(ws, 'p521', sealSubject(nip), 'p521');
    const r = await submitXades(
      base,
      await signedFor(p521, 'http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512'),
    );
    expect(r.status).toBe(202);
  });
  it('an RSA-1024 key is refused as an unsupported algorithm', async () => {
    const weak = selfSigned(ws, 'weak', sealSubject(nip), 'rsa1024');
    const r = await submitXades(base, await signedFor(weak, SIGNATURE_METHODS.rsa));
    expect(errorCode(r)).toBe(9105);
    expect(errorDetails(r)).toEqual(['Podpis złożony z użyciem niewspieranego algorytmu kryptograficznego.']);
  });
});

/**
 * KSeF certificates (REFERENCE §3.9, §7.3, §8): a CSR made by `openssl req` with the enrollment
 * data is enrolled, the issued certificate verifies with `openssl verify` against the sandbox CA
 * and has KSeF's shape, and it logs in (XAdES by xmlsec1) as InternalCertificate — unless it is an
 * Offline certificate, revoked or expired. CSR checks, limits and key reuse answer KSeF's codes.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../../sandbox/server.ts';
import {
  authTokenRequest,
  call,
  challenge,
  errorCode,
  type Identity,
  loginWithSignature,
  openssl,
  opensslEncryptToken,
  pemToDer,
  randomNip,
  readText,
  type Session,
  SIGNATURE_METHODS,
  sealSubject,
  selfSigned,
  submitXades,
  tempDir,
  waitForStatus,
  write,
  xmlsecSign,
} from './helpers.ts';

const ws = tempDir();
let sandbox: Sandbox;
let base: string;
let caPath: string;

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimits: 'off', seed: false });
  base = sandbox.baseUrl;
  caPath = ws.path('sandbox-ca.pem');
  write(caPath, sandbox.control.caCertificatePem);
});
afterAll(async () => {
  await sandbox.close();
  ws.cleanup();
});

type EnrollmentData = Record<string, string>;
const OIDS: Record<string, string> = {
  commonName: '2.5.4.3',
  surname: '2.5.4.4',
  serialNumber: '2.5.4.5',
  countryName: '2.5.4.6',
  organizationName: '2.5.4.10',
  givenName: '2.5.4.42',
  uniqueIdentifier: '2.5.4.45',
  organizationIdentifier: '2.5.4.97',
};
const escapeRdn = (v: string) => v.replace(/[\\/+=]/g, (c) => `\\${c}`);
const subjectOf = (data: EnrollmentData, order: string[] = Object.keys(OIDS)) =>
  order
    .filter((k) => data[k])
    .map((k) => `/${OIDS[k]}=${escapeRdn(data[k]!)}`)
    .join('');

let keyCounter = 0;
function newKey(kind: 'ec' | 'rsa' | 'rsa3072' | 'p384' = 'ec'): string {
  keyCounter += 1;
  const path = ws.path(`csr-key-${keyCounter}.pem`);
  const args = {
    ec: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
    p384: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
    rsa: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
    rsa3072: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072'],
  }[kind];
  openssl('genpkey', ...args, '-out', path);
  return path;
}

/** `openssl req -new` → Base64 DER, as the CSR field wants it. */
function csrFor(keyPath: string, subject: string, extra: string[] = ['-sha256']): string {
  keyCounter += 1;
  const out = ws.path(`req-${keyCounter}.der`);
  openssl(
    'req',
    '-new',
    '-key',
    keyPath,
    '-subj',
    subject,
    '-utf8',
    '-outform',
    'DER',
    '-out',
    out,
    ...extra,
  );
  return Buffer.from(readFileSyncBinary(out)).toString('base64');
}
const readFileSyncBinary = (p: string) => readFileSync(p);

async function enrollAndIssue(
  session: Session,
  csr: string,
  type: 'Authentication' | 'Offline' = 'Authentication',
  validFrom?: string,
) {
  const r = await call(base, 'POST', '/certificates/enrollments', {
    token: session.accessToken,
    json: {
      certificateName: `Certyfikat ${type} ${keyCounter}`,
      certificateType: type,
      csr,
      ...(validFrom ? { validFrom } : {}),
    },
  });
  expect(r.status, r.text).toBe(202);
  const status = await call(base, 'GET', `/certificates/enrollments/${r.body.referenceNumber}`, {
    token: session.accessToken,
  });
  return { enrollment: r, status };
}

async function retrievePem(session: Session, serial: string): Promise<string> {
  const r = await call(base, 'POST', '/certificates/retrieve', {
    token: session.accessToken,
    json: { certificateSerialNumbers: [serial] },
  });
  const item = (r.body.certificates as { certificate: string; certificateSerialNumber: string }[])[0]!;
  expect(item.certificateSerialNumber).toBe(serial);
  const path = ws.path(`issued-${serial}.pem`);
  write(
    path,
    `-----BEGIN CERTIFICATE-----\n${item.certificate.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`,
  );
  return path;
}

function ksefIdentity(keyPath: string, certPath: string): Identity {
  const certDer = pemToDer(readText(certPath));
  const serialHex = openssl('x509', '-in', certPath, '-noout', '-serial').trim().replace('serial=', '');
  return {
    keyPath,
    certPath,
    certDer,
    fingerprint: createHash('sha256').update(certDer).digest('hex').toUpperCase(),
    serial: BigInt(`0x${serialHex}`).toString(10),
  };
}

async function loginStatus(id: Identity, nip: string, method: string = SIGNATURE_METHODS.ec) {
  const { challenge: c } = await challenge(base);
  const signed = xmlsecSign(
    ws,
    authTokenRequest({ challenge: c, context: { type: 'Nip', value: nip } }),
    id,
    method,
  );
  const r = await submitXades(base, signed);
  if (r.status !== 202) return r;
  return waitForStatus(
    base,
    r.body.referenceNumber as string,
    (r.body.authenticationToken as { token: string }).token,
  );
}

describe('enrolling a KSeF certificate from a signature-based session', () => {
  const nip = randomNip();
  let session: Session;
  let data: EnrollmentData;
  beforeAll(async () => {
    session = await loginWithSignature(base, ws, selfSigned(ws, 'seal', sealSubject(nip)), {
      type: 'Nip',
      value: nip,
    });
    data = (await call(base, 'GET', '/certificates/enrollments/data', { token: session.accessToken }))
      .body as EnrollmentData;
  });

  it('offers limits for a NIP subject and the login certificate’s DN as enrollment data', async () => {
    const limits = await call(base, 'GET', '/certificates/limits', { token: session.accessToken });
    expect(limits.body).toEqual({
      canRequest: true,
      enrollment: { remaining: 300, limit: 300 },
      certificate: { remaining: 100, limit: 100 },
    });
    expect(data).toEqual({
      commonName: `Pieczęć ${nip}`,
      countryName: 'PL',
      organizationName: `Firma ${nip}`,
      organizationIdentifier: `VATPL-${nip}`,
    });
    const subject = await call(base, 'GET', '/limits/subject', { token: session.accessToken });
    expect(subject.body).toEqual({
      enrollment: { maxEnrollments: 300 },
      certificate: { maxCertificates: 100 },
    });
  });

  it('issues a certificate that openssl verifies against the sandbox CA, shaped like a TEST one', async () => {
    const key = newKey('ec');
    // RDN order differs from the enrollment data's: KSeF compares values, not order.
    const csr = csrFor(
      key,
      subjectOf(data, ['countryName', 'organizationIdentifier', 'organizationName', 'commonName']),
    );
    const { status } = await enrollAndIssue(session, csr);
    expect(status.body.status).toEqual({
      code: 200,
      description: 'Wniosek obsłużony (certyfikat wygenerowany)',
    });
    const serial = status.body.certificateSerialNumber as string;
    expect(serial).toMatch(/^[0-9A-F]{16}$/);
    const pem = await retrievePem(session, serial);
    expect(openssl('verify', '-CAfile', caPath, pem).trim()).toBe(`${pem}: OK`);
    const text = openssl('x509', '-in', pem, '-noout', '-text');
    expect(text).toMatch(/X509v3 Key Usage: critical\s+Digital Signature\n/);
    expect(text).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
    expect(text).toContain('ecdsa-with-SHA512');
    expect(openssl('x509', '-in', pem, '-noout', '-serial').trim()).toBe(`serial=${serial}`);
    const days =
      (Date.parse(openssl('x509', '-in', pem, '-noout', '-enddate').split('=')[1]!) -
        Date.parse(openssl('x509', '-in', pem, '-noout', '-startdate').split('=')[1]!)) /
      86_400_000;
    expect(Math.round(days)).toBe(730);

    const login = await loginStatus(ksefIdentity(key, pem), nip);
    expect(login.body.status).toMatchObject({ code: 200 });
    expect(login.body.authenticationMethod).toBe('InternalCertificate');

    const listed = await call(base, 'POST', '/certificates/query', { token: session.accessToken, json: {} });
    expect(listed.body.certificates).toContainEqual(
      expect.objectContaining({
        certificateSerialNumber: serial,
        type: 'Authentication',
        status: 'Active',
        subjectIdentifier: { type: 'Nip', value: nip },
      }),
    );
  });

  it('accepts an RSA-2048 CSR signed with RSA-PSS, and honours validFrom', async () => {
    const key = newKey('rsa');
    const csr = csrFor(key, subjectOf(data), [
      '-sha256',
      '-sigopt',
      'rsa_padding_mode:pss',
      '-sigopt',
      'rsa_pss_saltlen:32',
    ]);
    const validFrom = new Date(Date.now() + 86_400_000).toISOString();
    const { status } = await enrollAndIssue(session, csr, 'Authentication', validFrom);
    expect(status.body.status).toMatchObject({ code: 200 });
    const pem = await retrievePem(session, status.body.certificateSerialNumber as string);
    const start = Date.parse(openssl('x509', '-in', pem, '-noout', '-startdate').split('=')[1]!);
    expect(Math.abs(start - Date.parse(validFrom))).toBeLessThan(1000);
    // Not valid yet: the login fails with 460 "Nieważny certyfikat".
    const login = await loginStatus(ksefIdentity(key, pem), nip, SIGNATURE_METHODS.rsa);
    expect((login.body.status as { details: string[] }).details).toEqual(['Nieważny certyfikat']);
  });

  it('an Offline certificate (nonRepudiation) cannot authenticate: 460 "Niepoprawny certyfikat"', async () => {
    const key = newKey('ec');
    const { status } = await enrollAndIssue(session, csrFor(key, subjectOf(data)), 'Offline');
    const pem = await retrievePem(session, status.body.certificateSerialNumber as string);
    expect(openssl('x509', '-in', pem, '-noout', '-text')).toMatch(/Key Usage: critical\s+Non Repudiation\n/);
    const login = await loginStatus(ksefIdentity(key, pem), nip);
    expect(login.body.status).toEqual({
      code: 460,
      description: 'Uwierzytelnianie zakończone niepowodzeniem z powodu błędu certyfikatu',
      details: ['Niepoprawny certyfikat'],
    });
  });

  it('revocation goes Blocked → Revoked, frees the slot, and the certificate then fails with "Certyfikat odwołany"', async () => {
    const key = newKey('ec');
    const { status } = await enrollAndIssue(session, csrFor(key, subjectOf(data)));
    const serial = status.body.certificateSerialNumber as string;
    const pem = await retrievePem(session, serial);
    const before = (await call(base, 'GET', '/certificates/limits', { token: session.accessToken })).body as {
      certificate: { remaining: number };
    };
    sandbox.control.configure({ enrollmentDelayMs: 3000 });
    try {
      const r = await call(base, 'POST', `/certificates/${serial}/revoke`, {
        token: session.accessToken,
        json: { revocationReason: 'KeyCompromise' },
      });
      expect(r.status).toBe(204);
      const q = await call(base, 'POST', '/certificates/query', {
        token: session.accessToken,
        json: { certificateSerialNumber: serial },
      });
      expect((q.body.certificates as { status: string }[])[0]!.status).toBe('Blocked');
      sandbox.control.advanceTime(3000);
      const q2 = await call(base, 'POST', '/certificates/query', {
        token: session.accessToken,
        json: { status: 'Revoked' },
      });
      expect(
        (q2.body.certificates as { certificateSerialNumber: string }[]).map((c) => c.certificateSerialNumber),
      ).toContain(serial);
    } finally {
      sandbox.control.configure({ enrollmentDelayMs: 0 });
    }
    const after = (await call(base, 'GET', '/certificates/limits', { token: session.accessToken })).body as {
      certificate: { remaining: number };
    };
    expect(after.certificate.remaining).toBe(before.certificate.remaining + 1);
    expect(
      errorCode(
        await call(base, 'POST', `/certificates/${serial}/revoke`, { token: session.accessToken, json: {} }),
      ),
    ).toBe(25009);
    expect(
      errorCode(
        await call(base, 'POST', '/certificates/0123456789ABCDEF/revoke', { token: session.accessToken }),
      ),
    ).toBe(25008);
    expect(
      errorCode(await call(base, 'POST', '/certificates/nothex/revoke', { token: session.accessToken })),
    ).toBe(21405);
    const login = await loginStatus(ksefIdentity(key, pem), nip);
    expect((login.body.status as { details: string[] }).details).toEqual(['Certyfikat odwołany']);
  });

  it('an expired KSeF certificate fails with 460 "Nieważny certyfikat"', async () => {
    const n = randomNip();
    const seal = selfSigned(ws, `exp-${n}`, sealSubject(n));
    const later = selfSigned(ws, `exp2-${n}`, sealSubject(n));
    // A frozen clock starts after openssl made the certificates (their notBefore is "now").
    let now = Date.now() + 2000;
    const clocked = await startSandbox({ rateLimits: 'off', seed: false, clock: { now: () => now } });
    try {
      const s = await loginWithSignature(clocked.baseUrl, ws, seal, { type: 'Nip', value: n });
      const d = (
        await call(clocked.baseUrl, 'GET', '/certificates/enrollments/data', { token: s.accessToken })
      ).body as EnrollmentData;
      const key = newKey('ec');
      const r = await call(clocked.baseUrl, 'POST', '/certificates/enrollments', {
        token: s.accessToken,
        json: {
          certificateName: 'Wygasa wkrótce',
          certificateType: 'Authentication',
          csr: csrFor(key, subjectOf(d)),
          validFrom: new Date(now - 729 * 86_400_000).toISOString(),
        },
      });
      const st = await call(clocked.baseUrl, 'GET', `/certificates/enrollments/${r.body.referenceNumber}`, {
        token: s.accessToken,
      });
      const serial = st.body.certificateSerialNumber as string;
      const got = await call(clocked.baseUrl, 'POST', '/certificates/retrieve', {
        token: s.accessToken,
        json: { certificateSerialNumbers: [serial] },
      });
      const pem = ws.path(`exp-${serial}.pem`);
      const b64 = (got.body.certificates as { certificate: string }[])[0]!.certificate;
      write(
        pem,
        `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`,
      );
      now += 2 * 86_400_000;
      const { challenge: c } = await challenge(clocked.baseUrl);
      const signed = xmlsecSign(
        ws,
        authTokenRequest({ challenge: c, context: { type: 'Nip', value: n } }),
        ksefIdentity(key, pem),
        SIGNATURE_METHODS.ec,
      );
      const sub = await submitXades(clocked.baseUrl, signed);
      const status = await waitForStatus(
        clocked.baseUrl,
        sub.body.referenceNumber as string,
        (sub.body.authenticationToken as { token: string }).token,
      );
      expect((status.body.status as { details: string[] }).details).toEqual(['Nieważny certyfikat']);
      const fresh = await loginWithSignature(clocked.baseUrl, ws, later, { type: 'Nip', value: n });
      const q = await call(clocked.baseUrl, 'POST', '/certificates/query', {
        token: fresh.accessToken,
        json: { status: 'Expired' },
      });
      expect(q.body.certificates).toEqual([
        expect.objectContaining({ certificateSerialNumber: serial, status: 'Expired' }),
      ]);
    } finally {
      await clocked.close();
    }
  });

  it('in demo mode a KSeF certificate is trusted while a self-signed one is not', async () => {
    const key = newKey('ec');
    const { status } = await enrollAndIssue(session, csrFor(key, subjectOf(data)));
    const pem = await retrievePem(session, status.body.certificateSerialNumber as string);
    sandbox.control.configure({ mode: 'demo' });
    try {
      expect((await loginStatus(ksefIdentity(key, pem), nip)).body.status).toMatchObject({ code: 200 });
      expect(errorCode(await loginStatus(selfSigned(ws, 'demo-self', sealSubject(nip)), nip))).toBe(21115);
    } finally {
      sandbox.control.configure({ mode: 'test' });
    }
  });
});

describe('CSR checks, in KSeF’s order', () => {
  const nip = randomNip();
  let session: Session;
  let data: EnrollmentData;
  beforeAll(async () => {
    session = await loginWithSignature(base, ws, selfSigned(ws, 'seal2', sealSubject(nip)), {
      type: 'Nip',
      value: nip,
    });
    data = (await call(base, 'GET', '/certificates/enrollments/data', { token: session.accessToken }))
      .body as EnrollmentData;
  });
  const enroll = (csr: string, name = 'Wniosek testowy') =>
    call(base, 'POST', '/certificates/enrollments', {
      token: session.accessToken,
      json: { certificateName: name, certificateType: 'Authentication', csr },
    });

  it('25004 for bytes that are not a CSR, and for a CSR whose signature was altered', async () => {
    expect(errorCode(await enroll(Buffer.from('not a csr').toString('base64')))).toBe(25004);
    const csr = Buffer.from(csrFor(newKey('ec'), subjectOf(data)), 'base64');
    csr.writeUInt8(csr.readUInt8(csr.length - 5) ^ 0x01, csr.length - 5);
    expect(errorCode(await enroll(csr.toString('base64')))).toBe(25004);
  });
  it('21405 for a csr that is not Base64 and for a name outside the pattern', async () => {
    expect(errorCode(await enroll('***'))).toBe(21405);
    expect(errorCode(await enroll(csrFor(newKey('ec'), subjectOf(data)), 'zły/znak'))).toBe(21405);
  });
  it('25010 for an RSA-3072 key and for a P-384 key', async () => {
    expect(errorCode(await enroll(csrFor(newKey('rsa3072'), subjectOf(data))))).toBe(25010);
    expect(errorCode(await enroll(csrFor(newKey('p384'), subjectOf(data))))).toBe(25010);
  });
  it('25011 for a signature hash outside SHA-1/256/384/512 (SHA-224)', async () => {
    expect(errorCode(await enroll(csrFor(newKey('ec'), subjectOf(data), ['-sha224'])))).toBe(25011);
  });
  it('25003 for a DN that differs from the enrollment data', async () => {
    expect(
      errorCode(await enroll(csrFor(newKey('ec'), subjectOf({ ...data, commonName: 'Ktoś inny' })))),
    ).toBe(25003);
    expect(errorCode(await enroll(csrFor(newKey('ec'), `${subjectOf(data)}/2.5.4.11=Dodatkowy dział`)))).toBe(
      25003,
    );
  });
  it('25006 and 25007 when the (overridden) limits are used up; DELETE restores the defaults', async () => {
    const set = await call(base, 'POST', '/testdata/limits/subject/certificate', {
      token: session.accessToken,
      json: {
        subjectIdentifierType: 'Nip',
        enrollment: { maxEnrollments: 100 },
        certificate: { maxCertificates: 1 },
      },
    });
    expect(set.status).toBe(200);
    const first = await enroll(csrFor(newKey('ec'), subjectOf(data)));
    expect(first.status).toBe(202);
    await call(base, 'GET', `/certificates/enrollments/${first.body.referenceNumber}`, {
      token: session.accessToken,
    });
    expect(errorCode(await enroll(csrFor(newKey('ec'), subjectOf(data))))).toBe(25007);
    await call(base, 'POST', '/testdata/limits/subject/certificate', {
      token: session.accessToken,
      json: { enrollment: { maxEnrollments: 1 }, certificate: { maxCertificates: 10 } },
    });
    expect(errorCode(await enroll(csrFor(newKey('ec'), subjectOf(data))))).toBe(25006);
    const limits = await call(base, 'GET', '/certificates/limits', { token: session.accessToken });
    expect(limits.body).toMatchObject({ canRequest: false, enrollment: { remaining: 0, limit: 1 } });
    expect(
      (await call(base, 'DELETE', '/testdata/limits/subject/certificate', { token: session.accessToken }))
        .status,
    ).toBe(200);
    expect((await enroll(csrFor(newKey('ec'), subjectOf(data)))).status).toBe(202);
  });
  it('a key already certified for another subject ends the enrollment with status 400', async () => {
    const key = newKey('ec');
    expect((await enrollAndIssue(session, csrFor(key, subjectOf(data)))).status.body.status).toMatchObject({
      code: 200,
    });
    const n = randomNip();
    const other = await loginWithSignature(base, ws, selfSigned(ws, `o-${n}`, sealSubject(n)), {
      type: 'Nip',
      value: n,
    });
    const otherData = (
      await call(base, 'GET', '/certificates/enrollments/data', { token: other.accessToken })
    ).body as EnrollmentData;
    const { status } = await enrollAndIssue(other, csrFor(key, subjectOf(otherData)));
    expect(status.body.status).toEqual({
      code: 400,
      description: 'Wniosek odrzucony',
      details: ['Klucz publiczny został już certyfikowany przez inny podmiot.'],
    });
    expect(status.body.certificateSerialNumber).toBeUndefined();
  });
  it('the enrollment status is 100 during enrollmentDelayMs, 25005 for an unknown number, 410 after 30 days', async () => {
    sandbox.control.configure({ enrollmentDelayMs: 10_000 });
    try {
      const r = await enroll(csrFor(newKey('ec'), subjectOf(data)));
      const ref = r.body.referenceNumber as string;
      expect(ref).toMatch(/^\d{8}-EH-/);
      const st = await call(base, 'GET', `/certificates/enrollments/${ref}`, { token: session.accessToken });
      expect(st.body.status).toEqual({ code: 100, description: 'Wniosek przyjęty do realizacji' });
      expect(
        errorCode(
          await call(base, 'GET', '/certificates/enrollments/20250604-EH-461EA5B000-537A6BA15D-00', {
            token: session.accessToken,
          }),
        ),
      ).toBe(25005);
      sandbox.control.advanceTime(30 * 86_400_000);
      // Thirty days later the old session is gone: a new login of the same subject asks.
      const again = await loginWithSignature(base, ws, selfSigned(ws, 'seal2b', sealSubject(nip)), {
        type: 'Nip',
        value: nip,
      });
      const gone = await call(base, 'GET', `/certificates/enrollments/${ref}`, { token: again.accessToken });
      expect(gone.status).toBe(410);
      expect(gone.body).toMatchObject({ title: 'Gone', status: 410 });
      session = again;
    } finally {
      sandbox.control.configure({ enrollmentDelayMs: 0 });
    }
  });
});

describe('a session authenticated with a KSeF token', () => {
  it('gets 25001 for enrollment data, 25002 for enrollment and 403 for revocation', async () => {
    const nip = randomNip();
    const s = await loginWithSignature(base, ws, selfSigned(ws, 'tok', sealSubject(nip)), {
      type: 'Nip',
      value: nip,
    });
    const t = await call(base, 'POST', '/tokens', {
      token: s.accessToken,
      json: { permissions: ['InvoiceRead'], description: 'Token bez podpisu' },
    });
    const keys = (await call(base, 'GET', '/security/public-key-certificates')).body as unknown as {
      certificate: string;
      publicKeyId: string;
      usage: string[];
    }[];
    const key = keys.find((k) => k.usage.includes('KsefTokenEncryption'))!;
    const c = await challenge(base);
    const sub = await call(base, 'POST', '/auth/ksef-token', {
      json: {
        challenge: c.challenge,
        contextIdentifier: { type: 'Nip', value: nip },
        encryptedToken: opensslEncryptToken(ws, key.certificate, `${t.body.token}|${c.timestampMs}`),
        publicKeyId: key.publicKeyId,
      },
    });
    const op = (sub.body.authenticationToken as { token: string }).token;
    await waitForStatus(base, sub.body.referenceNumber as string, op);
    const access = (
      (await call(base, 'POST', '/auth/token/redeem', { token: op })).body.accessToken as { token: string }
    ).token;
    expect(errorCode(await call(base, 'GET', '/certificates/enrollments/data', { token: access }))).toBe(
      25001,
    );
    expect(
      errorCode(
        await call(base, 'POST', '/certificates/enrollments', {
          token: access,
          json: {
            certificateName: 'Z tokena',
            certificateType: 'Authentication',
            csr: csrFor(newKey('ec'), '/CN=x/C=PL'),
          },
        }),
      ),
    ).toBe(25002);
    const revoke = await call(base, 'POST', '/certificates/0123456789ABCDEF/revoke', { token: access });
    expect(revoke.status).toBe(403);
    expect(revoke.body.reasonCode).toBe('auth-method-not-allowed');
  });
});

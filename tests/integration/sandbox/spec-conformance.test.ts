/**
 * Every answer the sandbox gives during a tour of all its endpoints — successes and errors in
 * both formats — is checked against the response schema the official open-api.json gives for
 * that operation, status and media type (compiled with ajv). Clients built to the spec must be
 * able to read everything the sandbox sends.
 */

import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOperation } from '../../../sandbox/http/spec.ts';
import { type Sandbox, startSandbox } from '../../../sandbox/server.ts';
import {
  call,
  challenge,
  type Json,
  loginWithSignature,
  openssl,
  opensslEncryptToken,
  type Reply,
  randomNip,
  sealSubject,
  selfSigned,
  tempDir,
  waitForStatus,
} from './helpers.ts';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: true, strict: false, unicodeRegExp: false }));
const compiled = new Map<string, ValidateFunction>();

const ws = tempDir();
let sandbox: Sandbox;
let base: string;
const checked: string[] = [];
const violations: string[] = [];
const undescribed: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimits: 'off', seed: false });
  base = sandbox.baseUrl;
});
afterAll(async () => {
  await sandbox.close();
  ws.cleanup();
});

/** A call whose answer is checked against the spec's schema for (operation, status, media type). */
async function checkedCall(
  method: string,
  path: string,
  options: Parameters<typeof call>[3] = {},
): Promise<Reply> {
  const reply = await call(base, method, path, options);
  const op = findOperation(method, path.split('?')[0]!);
  if (!op) throw new Error(`no spec operation for ${method} ${path}`);
  const media = (reply.headers.get('content-type') ?? '').split(';')[0]!.trim();
  const schema = op.responses[String(reply.status)]?.[media];
  const label = `${op.key} → ${reply.status} ${media || '(no body)'}`;
  if (!schema) {
    // 2xx without a body (204, testdata 200) have no content in the spec either.
    if (reply.text === '') checked.push(label);
    else undescribed.push(label);
    return reply;
  }
  const key = `${op.key}|${reply.status}|${media}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(key, validate);
  }
  if (!validate(reply.body)) {
    violations.push(`${label}: ${ajv.errorsText(validate.errors)} in ${reply.text.slice(0, 300)}`);
  }
  checked.push(label);
  return reply;
}

const PD = { 'x-error-format': 'problem-details' };

describe('responses against the official schemas', () => {
  it('a tour of every endpoint conforms, errors included', async () => {
    const nip = randomNip();
    const id = selfSigned(ws, 'seal', sealSubject(nip));
    await checkedCall('POST', '/auth/challenge');
    const session = await loginWithSignature(base, ws, id, { type: 'Nip', value: nip });
    const token = session.accessToken;
    await checkedCall('GET', `/auth/${session.referenceNumber}`, { token: session.operationToken });
    await checkedCall('POST', '/auth/token/redeem', { token: session.operationToken });
    await checkedCall('POST', '/auth/token/redeem', { token: session.operationToken, headers: PD });
    await checkedCall('POST', '/auth/token/refresh', { token: session.refreshToken });
    await checkedCall('GET', '/auth/sessions', { token });
    await checkedCall('GET', '/auth/sessions', { token: session.operationToken });
    await checkedCall('GET', '/auth/sessions', {});
    await checkedCall('GET', '/auth/sessions?pageSize=1', { token, headers: PD });
    await checkedCall('GET', '/auth/sessions', { token, headers: { 'x-continuation-token': 'x' } });
    const keys = (await checkedCall('GET', '/security/public-key-certificates')).body as unknown as {
      certificate: string;
      publicKeyId: string;
      usage: string[];
    }[];

    const generated = await checkedCall('POST', '/tokens', {
      token,
      json: { permissions: ['InvoiceRead'], description: 'Token zgodności' },
    });
    await checkedCall('POST', '/tokens', {
      token,
      json: { permissions: ['EnforcementOperations'], description: 'Za dużo' },
      headers: PD,
    });
    await checkedCall('GET', '/tokens?pageSize=10', { token });
    await checkedCall('GET', `/tokens/${generated.body.referenceNumber}`, { token });
    const key = keys.find((k) => k.usage.includes('KsefTokenEncryption'))!;
    const c = await challenge(base);
    const tokenLogin = await checkedCall('POST', '/auth/ksef-token', {
      json: {
        challenge: c.challenge,
        contextIdentifier: { type: 'Nip', value: nip },
        encryptedToken: opensslEncryptToken(ws, key.certificate, `${generated.body.token}|${c.timestampMs}`),
        publicKeyId: key.publicKeyId,
      },
    });
    await waitForStatus(
      base,
      tokenLogin.body.referenceNumber as string,
      (tokenLogin.body.authenticationToken as Json).token as string,
    );
    await checkedCall('POST', '/auth/ksef-token', { json: { challenge: c.challenge } });
    await checkedCall('POST', '/auth/ksef-token', { json: { challenge: c.challenge }, headers: PD });
    await checkedCall('DELETE', `/tokens/${generated.body.referenceNumber}`, { token });

    await checkedCall('GET', '/certificates/limits', { token });
    await checkedCall('GET', '/certificates/enrollments/data', { token });
    await checkedCall('POST', '/certificates/enrollments', {
      token,
      json: {
        certificateName: 'Zgodność',
        certificateType: 'Authentication',
        csr: Buffer.from('x').toString('base64'),
      },
    });
    await checkedCall('POST', '/certificates/retrieve', {
      token,
      json: { certificateSerialNumbers: ['0123456789ABCDEF'] },
    });
    await checkedCall('POST', '/certificates/query?pageSize=10&pageOffset=0', { token, json: {} });
    await checkedCall('POST', '/certificates/0123456789ABCDEF/revoke', { token, json: {} });
    await checkedCall('GET', '/certificates/enrollments/20250604-EH-461EA5B000-537A6BA15D-00', { token });
    await checkedCall('GET', '/limits/context', { token });
    await checkedCall('GET', '/limits/subject', { token });
    await checkedCall('GET', '/rate-limits', { token });
    await checkedCall('POST', '/testdata/subject', {
      json: { subjectNip: nip, subjectType: 'JST', description: 'Gmina zgodności' },
    });
    await checkedCall('POST', '/testdata/subject', {
      json: { subjectNip: nip, subjectType: 'JST', description: 'Gmina zgodności' },
    });
    await checkedCall('POST', '/testdata/permissions', {
      json: {
        contextIdentifier: { type: 'Nip', value: nip },
        authorizedIdentifier: { type: 'Nip', value: randomNip() },
        permissions: [{ permissionType: 'InvoiceRead', description: 'Odczyt' }],
      },
    });
    await checkedCall('DELETE', `/auth/sessions/${session.referenceNumber}`, { token });
    await checkedCall('DELETE', '/auth/sessions/current', { token });

    // 429 in both formats.
    sandbox.control.injectFault({ operation: 'GET /tokens', kind: 'rate-limit', retryAfterSeconds: 2 });
    sandbox.control.injectFault({ operation: 'GET /tokens', kind: 'rate-limit', retryAfterSeconds: 2 });
    await checkedCall('GET', '/tokens', { token });
    await checkedCall('GET', '/tokens', { token, headers: PD });
    // 202 and 200 of an enrollment, then its 410 thirty days later (asked by a new session).
    const keyPath = ws.path('csr.key');
    const csrPath = ws.path('csr.der');
    openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', keyPath);
    const subject = `/2.5.4.3=Pieczęć ${nip}/2.5.4.6=PL/2.5.4.10=Firma ${nip}/2.5.4.97=VATPL-${nip}`;
    openssl('req', '-new', '-key', keyPath, '-subj', subject, '-utf8', '-outform', 'DER', '-out', csrPath);
    const fresh = await loginWithSignature(base, ws, id, { type: 'Nip', value: nip });
    const enrolled = await checkedCall('POST', '/certificates/enrollments', {
      token: fresh.accessToken,
      json: {
        certificateName: 'Zgodność',
        certificateType: 'Authentication',
        csr: readFileSync(csrPath).toString('base64'),
      },
    });
    const ref = enrolled.body.referenceNumber as string;
    const status = await checkedCall('GET', `/certificates/enrollments/${ref}`, { token: fresh.accessToken });
    await checkedCall('POST', '/certificates/retrieve', {
      token: fresh.accessToken,
      json: { certificateSerialNumbers: [status.body.certificateSerialNumber] },
    });
    await checkedCall('POST', '/certificates/query', {
      token: fresh.accessToken,
      json: { status: 'Active' },
    });
    sandbox.control.advanceTime(31 * 86_400_000);
    const later = await loginWithSignature(base, ws, id, { type: 'Nip', value: nip });
    await checkedCall('GET', `/certificates/enrollments/${ref}`, { token: later.accessToken });

    // The check has teeth: the same validators refuse bodies that break the spec.
    const challengeSchema = compiled.get('POST /auth/challenge|200|application/json')!;
    expect(challengeSchema({ challenge: 'too short', timestamp: 'x', timestampMs: 1, clientIp: '1' })).toBe(
      false,
    );
    const problem400 = compiled.get('POST /auth/token/redeem|400|application/problem+json')!;
    expect(problem400({ title: 'Bad Request', status: 400 })).toBe(false);

    expect(violations).toEqual([]);
    expect(undescribed).toEqual([]);
    expect(checked.length).toBeGreaterThan(40);
    // Every kind of error the spec describes was seen.
    for (const status of ['400', '401', '403', '410', '429']) {
      expect(checked.some((l) => l.includes(`→ ${status} `))).toBe(true);
    }
  });
});

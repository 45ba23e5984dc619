import { describe, expect, it } from 'vitest';
import { buildRequest } from '../../../shared/ksef/build-request-url.ts';
import { parseCustomBaseUrl } from '../../../shared/ksef/environments.ts';

const BASE = 'https://api-test.ksef.mf.gov.pl/v2';

describe('buildRequest', () => {
  it('builds the URL of a named operation under the environment base', () => {
    const r = buildRequest(BASE, {
      env: 'TEST',
      operation: 'GET /auth/{referenceNumber}',
      pathParams: { referenceNumber: '20250514-AU-2DFC46C000-3AC6D5877F-D4' },
      headers: { Authorization: 'Bearer x' },
    });
    expect(r).toEqual({
      ok: true,
      value: {
        method: 'GET',
        url: `${BASE}/auth/20250514-AU-2DFC46C000-3AC6D5877F-D4`,
        headers: { authorization: 'Bearer x' },
      },
    });
  });

  it('adds only the query parameters the spec lists', () => {
    const r = buildRequest(BASE, {
      env: 'TEST',
      operation: 'POST /certificates/query',
      query: { pageSize: 10, pageOffset: 0 },
    });
    expect(r.ok && r.value.url).toBe(`${BASE}/certificates/query?pageSize=10&pageOffset=0`);
    expect(
      buildRequest(BASE, { env: 'TEST', operation: 'POST /certificates/query', query: { redirect: 'x' } }),
    ).toMatchObject({ ok: false, error: { code: 'BAD_PARAMS' } });
  });

  // SECURITY.md T6: a URL corpus that must never leave the official path space.
  it.each([
    '..',
    '../x',
    '%2e%2e',
    'a/b',
    'a\\b',
    'a@b',
    'a?b',
    'a#b',
    'a b',
    '',
    'x'.repeat(65),
    'ż',
    'a.b',
    '-a',
  ])('refuses the path parameter %j', (value) => {
    expect(
      buildRequest(BASE, {
        env: 'TEST',
        operation: 'GET /auth/{referenceNumber}',
        pathParams: { referenceNumber: value },
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'BAD_PARAMS' },
    });
  });

  it('refuses missing and extra path parameters', () => {
    expect(buildRequest(BASE, { env: 'TEST', operation: 'GET /auth/{referenceNumber}' }).ok).toBe(false);
    expect(
      buildRequest(BASE, { env: 'TEST', operation: 'POST /auth/challenge', pathParams: { x: 'y' } }).ok,
    ).toBe(false);
  });

  it.each(['cookie', 'host', 'origin', 'x-forwarded-for', 'proxy-authorization'])(
    'refuses the request header %s',
    (name) => {
      expect(
        buildRequest(BASE, { env: 'TEST', operation: 'POST /auth/challenge', headers: { [name]: 'x' } }),
      ).toMatchObject({ ok: false, error: { code: 'BAD_PARAMS' } });
    },
  );

  it('refuses a header value with a line break (header injection)', () => {
    expect(
      buildRequest(BASE, {
        env: 'TEST',
        operation: 'POST /auth/challenge',
        headers: { accept: 'a\r\nhost: evil' },
      }).ok,
    ).toBe(false);
  });

  it('refuses /testdata on DEMO and PRD but allows it on TEST and sandboxes', () => {
    for (const env of ['DEMO', 'PRD'] as const) {
      expect(buildRequest(BASE, { env, operation: 'POST /testdata/subject' })).toMatchObject({
        ok: false,
        error: { code: 'NOT_ALLOWED' },
      });
    }
    expect(buildRequest(BASE, { env: 'TEST', operation: 'POST /testdata/subject' }).ok).toBe(true);
    expect(buildRequest(BASE, { env: 'custom:sandbox', operation: 'POST /testdata/subject' }).ok).toBe(true);
  });

  it('refuses an operation that is not in the allowlist', () => {
    expect(
      buildRequest(BASE, { env: 'TEST', operation: 'GET /invoices/ksef/{ksefNumber}' as never }),
    ).toMatchObject({ ok: false, error: { code: 'UNKNOWN_OPERATION' } });
  });
});

describe('parseCustomBaseUrl', () => {
  it.each([
    ['http://127.0.0.1:5181/v2', 'http://127.0.0.1:5181/v2'],
    ['http://127.0.0.1:5181/v2/', 'http://127.0.0.1:5181/v2'],
    ['http://localhost:8080/v2', 'http://localhost:8080/v2'],
    ['http://[::1]:8080/v2', 'http://[::1]:8080/v2'],
  ])('accepts %s', (input, expected) => {
    expect(parseCustomBaseUrl(input)).toBe(expected);
  });

  it.each([
    'https://api.ksef.mf.gov.pl/v2',
    'http://127.0.0.1/v2',
    'http://127.0.0.1:80/v2',
    'http://127.0.0.1:5181',
    'http://127.0.0.1:5181/v2/../x',
    'http://127.0.0.1:5181/%2e%2e/v2',
    'http://user@127.0.0.1:5181/v2',
    'http://127.0.0.1@evil.test:5181/v2',
    'http://127.0.0.1.:5181/v2',
    'http://127.0.0.2:5181/v2',
    'http://localhost.evil.test:5181/v2',
    'http://127.0.0.1:5181\\@evil.test/v2',
    'http://127.0.0.1:99999/v2',
    'http://xn--lcalhost-9za:5181/v2',
    'http://0x7f000001:5181/v2',
    'http://127.1:5181/v2',
    'http://127.0.0.1:5181/v2?x=1',
    'http://127.0.0.1:5181/v2#x',
    ' http://127.0.0.1:5181/v2',
    'ftp://127.0.0.1:5181/v2',
  ])('refuses %s', (input) => {
    expect(parseCustomBaseUrl(input)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import * as ksefApi from '../../../shared/ksef/index.ts';
import { createKsefClient } from '../../../shared/ksef/ksef-client.ts';
import { fakeClock, json, scriptedTransport } from './fakes.ts';

const subtle = globalThis.crypto.subtle;
const session = (ref: string) => ({
  referenceNumber: ref,
  startDate: '2026-11-25T12:00:00.0000000+00:00',
  status: { code: 200, description: 'Uwierzytelnianie zakończone sukcesem' },
  authenticationMethodInfo: { category: 'Token', code: 'token.ksef', displayName: 'Token KSeF' },
});
const client = (transport: ReturnType<typeof scriptedTransport>) =>
  createKsefClient({ transport, clock: fakeClock(), subtle, env: 'TEST' });

describe('lists with continuation tokens', () => {
  it('reads every page and sends each continuation token back exactly as received', async () => {
    // A token that an unescaping client (CLIENT-NOTES §8) would change.
    const odd = '{"token":"a\\\\u0022b","n":2}==';
    const transport = scriptedTransport().on(
      'GET /auth/sessions',
      json(200, { continuationToken: odd, items: [session('R1'), session('R2')] }),
      json(200, { continuationToken: 'page-3', items: [session('R3')] }),
      json(200, { continuationToken: null, items: [session('R4')] }),
    );
    const r = await client(transport).sessions.listAll('access');
    expect(r.ok && r.value.map((s) => s.referenceNumber)).toEqual(['R1', 'R2', 'R3', 'R4']);
    expect(transport.requests.map((q) => q.headers?.['x-continuation-token'])).toEqual([
      undefined,
      odd,
      'page-3',
    ]);
    expect(transport.requests.every((q) => q.query?.pageSize === 100)).toBe(true);
  });

  it('stops with BAD_RESPONSE when KSeF repeats a continuation token instead of looping', async () => {
    const transport = scriptedTransport().on(
      'GET /tokens',
      json(200, { continuationToken: 'same', tokens: [] }),
    );
    expect(await client(transport).tokens.listAll('access')).toMatchObject({
      ok: false,
      error: { code: 'BAD_RESPONSE', detail: 'the continuation token repeats' },
    });
    expect(transport.count()).toBe(2);
  });

  it('pages certificate queries by offset while hasMore', async () => {
    const cert = (serial: string) => ({
      certificateSerialNumber: serial,
      name: 'Certyfikat',
      type: 'Authentication',
      commonName: 'Firma',
      status: 'Active',
      subjectIdentifier: { type: 'Nip', value: '5265877635' },
      validFrom: '2026-01-01T00:00:00Z',
      validTo: '2028-01-01T00:00:00Z',
      requestDate: '2026-01-01T00:00:00Z',
    });
    const transport = scriptedTransport().on(
      'POST /certificates/query',
      json(200, { certificates: [cert('0000000000000001')], hasMore: true }),
      json(200, { certificates: [cert('0000000000000002')], hasMore: false }),
    );
    const r = await client(transport).certificates.queryAll('access', { status: 'Active' });
    expect(r.ok && r.value.map((c) => c.certificateSerialNumber)).toEqual([
      '0000000000000001',
      '0000000000000002',
    ]);
    expect(transport.requests.map((q) => q.query)).toEqual([
      { pageSize: 50, pageOffset: 0 },
      { pageSize: 50, pageOffset: 1 },
    ]);
    expect(JSON.parse(transport.requests[0]!.body!)).toEqual({ status: 'Active' });
  });
});

describe('the public surface of shared/ksef', () => {
  it('offers the flows and the client, and no generic sign or encrypt (SECURITY.md T10)', () => {
    for (const name of [
      'createKsefClient',
      'prepareSignedRequest',
      'submitSignedRequest',
      'loginWithSignedRequest',
      'getAuthStatus',
      'redeemAccessToken',
      'loginWithKsefCertificate',
      'loginWithKsefToken',
      'loginWithTestCertificate',
      'keepSession',
      'waitForTokenActive',
      'waitForEnrollment',
      'describeKsefError',
    ]) {
      expect(typeof (ksefApi as Record<string, unknown>)[name], name).toBe('function');
    }
    expect(Object.keys(ksefApi).filter((k) => /^(sign|encrypt|decrypt)/i.test(k))).toEqual([]);
  });
});

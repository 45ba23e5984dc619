/**
 * The fixed-1-second reference of the login benchmark against the real sandbox over HTTP, on a
 * virtual clock shared by the client and the sandbox: every `sleep` moves both forward at once, so
 * the schedule is checked exactly and the test takes no real waiting.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { obtainKsefCertificate, obtainKsefToken } from '../../../bench/login/credentials.ts';
import { loginWithFixedIntervalPolling } from '../../../bench/login/fixed-interval-login.ts';
import { benchNips } from '../../../bench/login/login-bench.ts';
import { startSandbox } from '../../../sandbox/server.ts';
import { createFetchTransport } from '../../../shared/ksef/fetch-transport.ts';
import { createKsefClient } from '../../../shared/ksef/ksef-client.ts';
import type { Clock } from '../../../shared/platform.ts';

let offset = 0;
const sleeps: number[] = [];
const clock: Clock = {
  now: () => Date.now() + offset,
  sleep: async (ms) => {
    sleeps.push(ms);
    offset += ms;
  },
};
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
const nips = benchNips();

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, rateLimits: 'ksef', clock: { now: clock.now } });
});
afterAll(async () => {
  await sandbox?.close();
});

function client() {
  const transport = createFetchTransport({
    fetch,
    resolveBaseUrl: (env) => (env === 'custom:bench' ? sandbox.baseUrl : null),
  });
  return createKsefClient({
    transport,
    clock,
    subtle: globalThis.crypto.subtle,
    env: 'custom:bench',
    context: { type: 'Nip', value: nips.next().value as string },
  });
}
const operations = () => sandbox.control.requests().map((r) => r.operation);

describe('the fixed-1-second reference login (the official clients’ schedule)', () => {
  it('polls the status at once and then every second until 200, then redeems once', async () => {
    sandbox.control.configure({ authDelayMs: 0 });
    const ksef = client();
    const credential = await obtainKsefToken(ksef);
    sandbox.control.configure({ authDelayMs: 2500 });
    sandbox.control.clearRequests();
    sleeps.length = 0;
    const r = await loginWithFixedIntervalPolling(ksef, { method: 'ksefToken', token: credential.token });
    expect(r).toMatchObject({ ok: true, value: { polls: 4, accessToken: expect.stringMatching(/^ey/) } });
    expect(sleeps).toEqual([1000, 1000, 1000]);
    expect(operations()).toEqual([
      // A cold public-key cache, as in a new C# client; the bench's warm-up rounds fill it.
      'GET /security/public-key-certificates',
      'POST /auth/challenge',
      'POST /auth/ksef-token',
      'GET /auth/{referenceNumber}',
      'GET /auth/{referenceNumber}',
      'GET /auth/{referenceNumber}',
      'GET /auth/{referenceNumber}',
      'POST /auth/token/redeem',
    ]);
  });

  it('signs with a KSeF certificate and costs the four requests of the floor when KSeF completes at once', async () => {
    sandbox.control.configure({ authDelayMs: 0 });
    const ksef = client();
    const credential = await obtainKsefCertificate(ksef, 'ECDSA-P256');
    sandbox.control.clearRequests();
    sleeps.length = 0;
    const r = await loginWithFixedIntervalPolling(ksef, {
      method: 'ksefCertificate',
      privateKey: credential.privateKey,
      certificateDer: credential.certificateDer,
    });
    expect(r).toMatchObject({ ok: true, value: { polls: 1 } });
    expect(sleeps).toEqual([]);
    expect(operations()).toEqual([
      'POST /auth/challenge',
      'POST /auth/xades-signature',
      'GET /auth/{referenceNumber}',
      'POST /auth/token/redeem',
    ]);
  });

  it('gives up on a 4xx status like the C# client, without a redeem', async () => {
    sandbox.control.configure({ authDelayMs: 0 });
    const ksef = client();
    const credential = await obtainKsefToken(ksef);
    // The same token shape with another secret: KSeF answers status 450 (token invalid).
    const forged = credential.token.replace(/[0-9a-f]{8}$/, '00000000');
    sandbox.control.clearRequests();
    const r = await loginWithFixedIntervalPolling(ksef, { method: 'ksefToken', token: forged });
    expect(r).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } });
    expect(operations()).not.toContain('POST /auth/token/redeem');
  });
});

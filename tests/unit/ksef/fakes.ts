/**
 * Test doubles for the PLATFORM the client is injected with — a clock whose sleeps complete at once
 * (advancing its time) and a Transport that answers from a script — never for the client's own code.
 * The real HTTP behaviour is covered by tests/integration/client against the sandbox.
 */

import type { KsefRequest, KsefResponse } from '../../../shared/ksef/transport-types.ts';
import type { Clock, Transport } from '../../../shared/platform.ts';
import { fail, ok, type Result } from '../../../shared/result.ts';

export type FakeClock = Clock & { advance(ms: number): void; readonly sleeps: number[] };

/** Time starts at `startMs` and moves only when code sleeps (or the test advances it). */
export function fakeClock(startMs = Date.UTC(2026, 10, 25, 12, 0, 0)): FakeClock {
  let t = startMs;
  const sleeps: number[] = [];
  return {
    now: () => t,
    sleeps,
    advance(ms) {
      t += ms;
    },
    async sleep(ms, signal) {
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
      sleeps.push(ms);
      t += ms;
      await Promise.resolve();
      if (signal?.aborted) throw signal.reason ?? new Error('aborted');
    },
  };
}

export type Answer = KsefResponse | 'network' | 'timeout' | ((req: KsefRequest) => KsefResponse | 'network');

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): KsefResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: body === undefined ? '' : JSON.stringify(body),
});

export type ScriptedTransport = Transport & {
  readonly requests: KsefRequest[];
  /** Queue answers for an operation; the last one repeats until new answers are queued. */
  on(operation: string, ...answers: Answer[]): ScriptedTransport;
  count(operation?: string): number;
};

export function scriptedTransport(onSend?: (req: KsefRequest) => void): ScriptedTransport {
  const queues = new Map<string, Answer[]>();
  const repeating = new Set<string>();
  const requests: KsefRequest[] = [];
  const t: ScriptedTransport = {
    requests,
    on(operation, ...answers) {
      const kept = repeating.has(operation) ? [] : (queues.get(operation) ?? []);
      repeating.delete(operation);
      queues.set(operation, [...kept, ...answers]);
      return t;
    },
    count: (operation) =>
      operation ? requests.filter((r) => r.operation === operation).length : requests.length,
    async send(req, signal): Promise<Result<KsefResponse>> {
      if (signal?.aborted) return fail('ABORTED');
      requests.push(req);
      onSend?.(req);
      const q = queues.get(req.operation);
      if (!q || q.length === 0) return ok(json(404, { title: 'Not scripted', status: 404 }));
      if (q.length === 1) repeating.add(req.operation);
      const a = q.length > 1 ? q.shift()! : q[0]!;
      const answer = typeof a === 'function' ? a(req) : a;
      if (answer === 'network') return fail('NETWORK');
      if (answer === 'timeout') return fail('TIMEOUT');
      return ok(answer);
    },
  };
  return t;
}

/** A deterministic [0, 1) sequence for jitter. */
export const fixedRandom =
  (value = 0.5) =>
  () =>
    value;

export const CHALLENGE = '20261125-CR-461EA5B000-537A6BA15D-D7';
export const REF = '20261125-AU-2DFC46C000-3AC6D5877F-D4';

export const challengeBody = (timestampMs = Date.UTC(2026, 10, 25, 12, 0, 0)) => ({
  challenge: CHALLENGE,
  timestamp: new Date(timestampMs).toISOString().replace('Z', '0000+00:00'),
  timestampMs,
  clientIp: '127.0.0.1',
});
export const initBody = {
  referenceNumber: REF,
  authenticationToken: { token: 'op.jwt.token', validUntil: '2026-11-25T12:45:00.0000000+00:00' },
};
export const statusBody = (code: number, extra: Record<string, unknown> = {}) => ({
  startDate: '2026-11-25T12:00:00.0000000+00:00',
  authenticationMethod: 'Token',
  authenticationMethodInfo: { category: 'Token', code: 'token.ksef', displayName: 'Token KSeF' },
  status: { code, description: code === 100 ? 'Uwierzytelnianie w toku' : 'x' },
  ...extra,
});
export const tokensBody = {
  accessToken: { token: 'access.jwt', validUntil: '2026-11-25T12:15:00.0000000+00:00' },
  refreshToken: { token: 'refresh.jwt', validUntil: '2026-12-02T12:00:00.0000000+00:00' },
};

/** A `/security/public-key-certificates` list with one real RSA-2048 KsefTokenEncryption certificate. */
export async function encryptionKeyList(
  validFrom = '2026-01-01T00:00:00.0000000+00:00',
  validTo = '2028-01-01T00:00:00.0000000+00:00',
): Promise<object[]> {
  const { createSelfSignedTestCertificate, publicKeyIdOf, toBase64 } = await import(
    '../../../shared/crypto/index.ts'
  );
  const subtle = globalThis.crypto.subtle;
  const pair = (await subtle.generateKey(
    {
      name: 'RSASSA-PKCS1-v1_5',
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: 'SHA-256',
    },
    false,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  const der = await createSelfSignedTestCertificate(
    subtle,
    { kind: 'seal', nip: '5265877635', organizationName: 'Ministerstwo Testów' },
    pair,
    { now: () => Date.now() },
  );
  if (!der.ok) throw new Error(der.error.code);
  const certificate = toBase64(der.value);
  const id = await publicKeyIdOf(subtle, certificate);
  if (!id.ok) throw new Error(id.error.code);
  return [
    {
      certificate,
      certificateId: 'cid',
      publicKeyId: id.value,
      validFrom,
      validTo,
      usage: ['KsefTokenEncryption'],
    },
  ];
}

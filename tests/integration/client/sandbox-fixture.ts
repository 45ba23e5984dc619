/**
 * One real sandbox per test file (port 0), reached over HTTP with the same fetch transport the
 * extension uses ("DirectTransport"), and KSeF clients on top of it. Request counts come from the
 * sandbox's own request log, not from our side.
 */
import { startSandbox } from '../../../sandbox/server.ts';
import { createFetchTransport } from '../../../shared/ksef/fetch-transport.ts';
import { createKsefClient, type KsefClientOptions } from '../../../shared/ksef/ksef-client.ts';
import type { KsefRequest } from '../../../shared/ksef/transport-types.ts';
import { systemClock, type Transport } from '../../../shared/platform.ts';

export const ENV = 'custom:sandbox' as const;
export const subtle = globalThis.crypto.subtle;

type SandboxOptions = NonNullable<Parameters<typeof startSandbox>[0]>;
export type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

export async function openSandbox(options: SandboxOptions = {}) {
  const sandbox = await startSandbox({ port: 0, rateLimits: 'off', ...options } as SandboxOptions);
  const transport = createFetchTransport({
    fetch,
    resolveBaseUrl: (env) => (env === ENV ? sandbox.baseUrl : null),
  });
  return {
    sandbox,
    transport,
    client: (nip: string, extra: Partial<KsefClientOptions> = {}) =>
      createKsefClient({
        transport,
        clock: systemClock,
        subtle,
        env: ENV,
        context: { type: 'Nip', value: nip },
        ...extra,
      }),
    /** Operations the sandbox saw since the last clear, in order. */
    operations: () => sandbox.control.requests().map((r) => r.operation),
    clear: () => sandbox.control.clearRequests(),
    /** A `/v2/testdata/*` call (TEST-only endpoints; not part of the wallet's client). */
    async testdata(operation: KsefRequest['operation'], body: unknown) {
      const r = await transport.send({
        env: ENV,
        operation,
        headers: { 'content-type': 'application/json', 'x-error-format': 'problem-details' },
        body: JSON.stringify(body),
      });
      if (!r.ok || r.value.status >= 300)
        throw new Error(`${operation} failed: ${r.ok ? `${r.value.status} ${r.value.body}` : r.error.code}`);
    },
    close: () => sandbox.close(),
  };
}

/** A transport that lets a test act in the middle of a login (e.g. rotate keys after the challenge). */
export function hookedTransport(
  inner: Transport,
  before: (req: KsefRequest) => void | Promise<void>,
  after?: (req: KsefRequest) => void | Promise<void>,
): Transport {
  return {
    async send(req, signal) {
      await before(req);
      const r = await inner.send(req, signal);
      await after?.(req);
      return r;
    },
  };
}

const NIP_WEIGHTS = [6, 5, 7, 2, 3, 4, 5, 6, 7];
/** A random NIP with a valid checksum (TEST advice: use random NIPs, REFERENCE §1). */
export function randomNip(): string {
  for (;;) {
    const digits = [
      1 + Math.floor(Math.random() * 9),
      ...Array.from({ length: 8 }, () => Math.floor(Math.random() * 10)),
    ];
    if (digits[1] === 0 && digits[2] === 0) continue;
    const check = digits.reduce((s, d, i) => s + d * NIP_WEIGHTS[i]!, 0) % 11;
    if (check === 10) continue;
    const nip = `${digits.join('')}${check}`;
    if (/^[1-9]((\d[1-9])|([1-9]\d))\d{7}$/.test(nip)) return nip;
  }
}

const PESEL_WEIGHTS = [1, 3, 7, 9, 1, 3, 7, 9, 1, 3];
export function randomPesel(): string {
  const yy = String(Math.floor(Math.random() * 90) + 10).padStart(2, '0');
  const mm = String(Math.floor(Math.random() * 12) + 1).padStart(2, '0');
  const dd = String(Math.floor(Math.random() * 28) + 1).padStart(2, '0');
  const rest = String(Math.floor(Math.random() * 10_000)).padStart(4, '0');
  const digits = `${yy}${mm}${dd}${rest}`.split('').map(Number);
  const check = (10 - (digits.reduce((s, d, i) => s + d * PESEL_WEIGHTS[i]!, 0) % 10)) % 10;
  return `${digits.join('')}${check}`;
}

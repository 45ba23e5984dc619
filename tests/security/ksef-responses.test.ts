/**
 * KSeF answers that break the schema (T12; secrets in errors: §3.12). Every flow of the client —
 * the four logins, token generation, enrollment — runs against the real sandbox behind a proxy that
 * rewrites exactly one answer of the flow (chosen at random among the flow's requests): the flow
 * must end in a well-formed value or a Result with a stable code, never throw, never hang, and
 * never quote a secret the rewritten answer planted (KSeF's error texts can carry tokens).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.ts';
import { createFetchTransport } from '../../shared/ksef/fetch-transport.ts';
import { createKsefClient, type KsefClient } from '../../shared/ksef/index.ts';
import { systemClock } from '../../shared/platform.ts';
import { tally } from './ledger.ts';
import {
  type Credentials,
  checkOutcome,
  FLOW_NAMES,
  prepareCredentials,
  runFlow,
} from './support/ksef-flows.ts';
import { randomMutation, startMutatingProxy } from './support/mutating-proxy.ts';
import { seeded } from './support/prng.ts';
import { markerJwt, markerKsefToken } from './support/secrets.ts';

const subtle = globalThis.crypto.subtle;
const ENV = 'custom:sandbox' as const;
const NIP = '5265877635';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let proxy: Awaited<ReturnType<typeof startMutatingProxy>>;
let creds: Credentials;

/** A client through the proxy with short waits: a slow answer or a poll that never ends costs seconds, not minutes. */
function client(): KsefClient {
  const transport = createFetchTransport({
    fetch,
    resolveBaseUrl: (env) => (env === ENV ? proxy.baseUrl : null),
    timeoutMs: 600,
  });
  return createKsefClient({
    transport,
    clock: systemClock,
    subtle,
    env: ENV,
    context: { type: 'Nip', value: NIP },
    retry: { maxRetries: 1, baseDelayMs: 5, maxDelayMs: 20, maxRateLimitWaitMs: 1000 },
    polling: {
      auth: { budgetMs: 800 },
      tokenActivation: { initialDelayMs: 20, budgetMs: 800 },
      enrollment: { initialDelayMs: 20, budgetMs: 800 },
    },
  });
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, rateLimits: 'off' });
  proxy = await startMutatingProxy(sandbox.origin);
  creds = await prepareCredentials(client(), NIP);
});
afterAll(async () => {
  await proxy.close();
  await sandbox.close();
});

describe('KSeF answers that break the schema (T12)', () => {
  it('every flow still works through the proxy when nothing is rewritten (positive control)', async () => {
    proxy.setPlan(undefined);
    for (const name of FLOW_NAMES) {
      const r = await runFlow(name, client(), creds, NIP);
      expect(checkOutcome(name, r, []), name).toBeNull();
      expect(r.ok, `${name}: ${JSON.stringify(r)}`).toBe(true);
    }
  });

  it('ends 240 flows with one rewritten answer each in a session or a precise error, never a throw or a leak', async () => {
    const rand = seeded(20_261_201);
    const t = tally('T12', 'KSeF answers that break the schema (one rewritten answer per flow)');
    // How many requests each flow makes when nothing goes wrong: the rewritten one is among them.
    const lengths = new Map<string, number>();
    for (const name of FLOW_NAMES) {
      proxy.setPlan(undefined);
      const before = proxy.requests;
      await runFlow(name, client(), creds, NIP);
      lengths.set(name, proxy.requests - before);
    }
    const labels = new Map<string, number>();
    const codes = new Map<string, number>();
    for (let i = 0; i < 240; i++) {
      const name = rand.pick(FLOW_NAMES);
      const step = rand.int(0, lengths.get(name)! - 1);
      const secrets: string[] = [];
      const mutation = randomMutation(rand, secrets, () => rand.pick([markerJwt(), markerKsefToken(NIP)]));
      labels.set(mutation.label, (labels.get(mutation.label) ?? 0) + 1);
      const start = proxy.requests;
      proxy.setPlan((index) => (index === start + step ? mutation : undefined));
      let problem: string | null;
      let code = 'threw';
      try {
        const r = await runFlow(name, client(), creds, NIP);
        code = r.ok ? 'ok' : r.error.code;
        problem = checkOutcome(name, r, secrets);
      } catch (e) {
        problem = `threw ${(e as Error)?.name}`;
      }
      codes.set(code, (codes.get(code) ?? 0) + 1);
      t.add({
        leaked: problem !== null,
        note: `#${i} ${name}, answer ${step + 1}: ${mutation.label}: ${problem}`,
      });
      expect(problem, `#${i} ${name}, answer ${step + 1}: ${mutation.label}`).toBeNull();
    }
    proxy.setPlan(undefined);
    const r = t.record();
    expect(r.notes).toEqual([]);
    expect(labels.size).toBeGreaterThanOrEqual(15);
    // Broken answers are named as such; the flows do not turn them all into one generic failure.
    expect(codes.get('BAD_RESPONSE')).toBeGreaterThan(20);
    expect(codes.has('RESPONSE_TOO_LARGE')).toBe(true);
  });
});

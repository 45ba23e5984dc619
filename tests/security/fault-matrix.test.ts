/**
 * Faults at every step (T12): each client flow — the four logins, token generation, enrollment —
 * against the real sandbox, with one fault injected at each distinct operation it makes: the answer
 * lost after processing (`drop`), the request lost before (`drop-before`), a 5xx and a 5xx burst, a
 * 429 and a 429 storm, the tab closed (cancelled) as the request leaves; then key rotation before
 * each step of a token login, and a client clock ±5 minutes off the sandbox's.
 *
 * Every case must end in a well-formed session (token, certificate) or a precise error with a
 * stable code, and — read from the sandbox's own request log — never redeem more than once per
 * login, and never redeem after being cancelled. What `tests/integration/client/resilience.test.ts`
 * shows for single cases, this runs as the whole matrix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.ts';
import { createFetchTransport } from '../../shared/ksef/fetch-transport.ts';
import { createKsefClient, createLoginLimiter, type KsefClient } from '../../shared/ksef/index.ts';
import type { KsefRequest } from '../../shared/ksef/transport-types.ts';
import { type Clock, systemClock, type Transport } from '../../shared/platform.ts';
import { tally } from './ledger.ts';
import { instantWaits } from './support/clock.ts';
import {
  type Credentials,
  checkOutcome,
  FLOW_NAMES,
  type FlowName,
  prepareCredentials,
  runFlow,
} from './support/ksef-flows.ts';

const subtle = globalThis.crypto.subtle;
const ENV = 'custom:sandbox' as const;
const NIP = '5265877635';

let sandbox: Sandbox;
let creds: Credentials;
const sequences = new Map<FlowName, string[]>();

type Hook = (req: KsefRequest, n: number) => void;

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

function client(options: { clock?: Clock; hook?: Hook; on?: Sandbox } = {}): KsefClient {
  const target = options.on ?? sandbox;
  const direct = createFetchTransport({
    fetch,
    resolveBaseUrl: (env) => (env === ENV ? target.baseUrl : null),
    timeoutMs: 2000,
  });
  let n = 0;
  const transport: Transport = {
    send: (req, signal) => {
      options.hook?.(req, n++);
      return direct.send(req, signal);
    },
  };
  return createKsefClient({
    transport,
    clock: options.clock ?? instantWaits(),
    subtle,
    env: ENV,
    context: { type: 'Nip', value: NIP },
    retry: { baseDelayMs: 5, maxDelayMs: 20, maxRateLimitWaitMs: 2000 },
    polling: {
      auth: { budgetMs: 3000 },
      tokenActivation: { initialDelayMs: 20, budgetMs: 3000 },
      enrollment: { initialDelayMs: 20, budgetMs: 3000 },
    },
  });
}

/** What the sandbox saw since `from`: redeems, and the operations in order. */
function seen(from: number) {
  const log = sandbox.control.requests().slice(from);
  return {
    // Redeems KSeF processed: a 429 or an injected 5xx was not processed (re-sending those is safe).
    redeems: log.filter(
      (r) => r.operation === 'POST /auth/token/redeem' && (r.fault === 'none' || r.fault === 'drop'),
    ).length,
    operations: log.map((r) => r.operation ?? r.path),
  };
}

/** Logins a flow makes: a redeem per login at most. */
const loginsOf = (_name: FlowName) => 1;

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, rateLimits: 'off' });
  creds = await prepareCredentials(client(), NIP);
  for (const name of FLOW_NAMES) {
    const from = sandbox.control.requests().length;
    const r = await runFlow(name, client(), creds, NIP);
    if (!r.ok) throw new Error(`${name} without faults: ${JSON.stringify(r.error)}`);
    sequences.set(name, seen(from).operations);
  }
});
afterAll(async () => {
  await sandbox.close();
});

type FaultKind = 'drop' | 'drop-before' | '5xx' | '5xx burst' | '429' | '429 storm' | 'tab closed';
const FAULTS: readonly FaultKind[] = [
  'drop',
  'drop-before',
  '5xx',
  '5xx burst',
  '429',
  '429 storm',
  'tab closed',
];

describe('a fault at every step of every flow (T12)', () => {
  it('ends every flow × step × fault in a session or a precise error, with at most one redeem and none after a cancel', async () => {
    const t = tally('T12', 'network loss, 5xx, 429 and a closed tab at every step of every flow');
    const outcomes = new Map<string, number>();
    let cases = 0;
    for (const name of FLOW_NAMES) {
      const steps = [...new Set(sequences.get(name)!)];
      for (const operation of steps) {
        for (const fault of FAULTS) {
          cases += 1;
          sandbox.control.clearFaults();
          const from = sandbox.control.requests().length;
          const controller = new AbortController();
          let cancelledAt = -1;
          if (fault === 'drop' || fault === 'drop-before')
            sandbox.control.injectFault({ operation, kind: fault });
          if (fault === '5xx') sandbox.control.injectFault({ operation, kind: 'error', status: 503 });
          if (fault === '5xx burst')
            sandbox.control.injectFault({ operation, kind: 'error', status: 500, times: 4 });
          if (fault === '429')
            sandbox.control.injectFault({ operation, kind: 'rate-limit', retryAfterSeconds: 0 });
          if (fault === '429 storm')
            sandbox.control.injectFault({ operation, kind: 'rate-limit', retryAfterSeconds: 0, times: 12 });
          const hook: Hook | undefined =
            fault === 'tab closed'
              ? (req) => {
                  if (cancelledAt < 0 && req.operation === operation) {
                    cancelledAt = sandbox.control.requests().length;
                    controller.abort();
                  }
                }
              : undefined;
          let problem: string | null = null;
          let code = 'threw';
          try {
            const c = client({ ...(hook ? { hook } : {}) });
            const r = await runFlow(name, c, creds, NIP, controller.signal);
            code = r.ok ? 'ok' : r.error.code;
            problem = checkOutcome(name, r, []);
          } catch (e) {
            problem = `threw ${(e as Error)?.message}`;
          }
          const after = seen(from);
          if (after.redeems > loginsOf(name)) problem = `${after.redeems} redeems`;
          if (fault === 'tab closed' && code !== 'ABORTED') problem ??= `not ABORTED after the tab closed`;
          if (cancelledAt >= 0 && seen(cancelledAt).redeems > 0) problem = 'redeemed after the tab closed';
          outcomes.set(`${fault}: ${code}`, (outcomes.get(`${fault}: ${code}`) ?? 0) + 1);
          t.add({ leaked: problem !== null, note: `${name} / ${operation} / ${fault}: ${code} ${problem}` });
          expect(problem, `${name} / ${operation} / ${fault} → ${code}`).toBeNull();
        }
      }
    }
    sandbox.control.clearFaults();
    expect(t.record().notes).toEqual([]);
    expect(cases).toBeGreaterThanOrEqual(200);
    // The faults do bite: some flows end in errors, and short faults are ridden out.
    expect([...outcomes.keys()].some((k) => k.startsWith('5xx: ok'))).toBe(true);
    expect([...outcomes.keys()].some((k) => k.startsWith('429 storm: RATE_LIMITED'))).toBe(true);
    expect([...outcomes.keys()].some((k) => k.startsWith('tab closed: ABORTED'))).toBe(true);
  });
});

describe('key rotation and clock skew (T12)', () => {
  it('logs in with a KSeF token when the encryption keys are rotated (and the old ones withdrawn) before any step', async () => {
    const t = tally('T12', 'encryption key rotation before each step of a token login');
    const steps = sequences.get('login with a KSeF token')!;
    for (const withdrawOld of [true, false]) {
      for (let j = 0; j < steps.length; j++) {
        const from = sandbox.control.requests().length;
        let rotated = false;
        // 20 s ahead: the sandbox dates each rotated key 1 s after the previous one (so that "latest
        // validFrom" picks it), and ten rotations in a few seconds date the newest a few seconds
        // into the future — as KSeF publishes a key ahead of use. A skew of 20 s is well inside
        // the ±5 minutes the next case covers.
        const c = client({
          clock: instantWaits(20_000),
          hook: (_req, n) => {
            if (n === j && !rotated) {
              rotated = true;
              sandbox.control.rotateEncryptionKeys({ withdrawOld });
            }
          },
        });
        const r = await runFlow('login with a KSeF token', c, creds, NIP);
        const problem =
          checkOutcome('login with a KSeF token', r, []) ?? (r.ok ? null : `no session: ${r.error.code}`);
        const redeems = seen(from).redeems;
        t.add({
          leaked: problem !== null || redeems > 1,
          note: `rotate before step ${j} (withdraw ${withdrawOld}): ${problem}`,
        });
        expect(problem, `step ${j}`).toBeNull();
        expect(redeems).toBe(1);
      }
    }
    expect(t.record().notes).toEqual([]);
  });

  it('ends every flow in a session with the client clock 5 minutes ahead of or behind KSeF', async () => {
    const t = tally('T12', 'client clock ±5 minutes off KSeF');
    // Its own sandbox whose clock runs 15 minutes ahead of real time, so that its encryption keys
    // are older than any skewed client clock below — as KSeF's long-lived keys are.
    const KSEF_AHEAD_MS = 15 * 60_000;
    const skewSandbox = await startSandbox({ port: 0, rateLimits: 'off' });
    try {
      skewSandbox.control.advanceTime(KSEF_AHEAD_MS);
      const ksefClock = instantWaits(KSEF_AHEAD_MS);
      const skewCreds = await prepareCredentials(client({ on: skewSandbox, clock: ksefClock }), NIP);
      const redeems = (from: number) =>
        skewSandbox.control
          .requests()
          .slice(from)
          .filter((r) => r.operation === 'POST /auth/token/redeem' && r.fault === 'none').length;
      for (const skewMs of [5 * 60_000, -5 * 60_000, 4 * 60_000, -4 * 60_000]) {
        for (const name of FLOW_NAMES) {
          const from = skewSandbox.control.requests().length;
          const c = client({ on: skewSandbox, clock: instantWaits(KSEF_AHEAD_MS + skewMs) });
          const r = await runFlow(name, c, skewCreds, NIP);
          const problem =
            checkOutcome(name, r, []) ?? (r.ok ? null : `no session: ${JSON.stringify(r.error)}`);
          t.add({
            leaked: problem !== null || redeems(from) > 1,
            note: `${name}, skew ${skewMs / 60_000} min: ${problem}`,
          });
          expect(problem, `${name}, skew ${skewMs / 60_000} min`).toBeNull();
        }
      }
      // Right after KSeF rotates its keys (old ones withdrawn), a client 5 minutes behind sees the
      // new key as not valid yet; it uses it anyway (KEY_SELECTION.CLOCK_SKEW_MS) and logs in.
      skewSandbox.control.rotateEncryptionKeys({ withdrawOld: true });
      const behind = client({ on: skewSandbox, clock: instantWaits(KSEF_AHEAD_MS - 5 * 60_000) });
      const from = skewSandbox.control.requests().length;
      const r = await runFlow('login with a KSeF token', behind, skewCreds, NIP);
      const sent = skewSandbox.control
        .requests()
        .slice(from)
        .filter((x) => x.operation === 'POST /auth/ksef-token').length;
      const problem =
        checkOutcome('login with a KSeF token', r, []) ??
        (r.ok ? null : `no session: ${JSON.stringify(r.error)}`);
      t.add({
        leaked: problem !== null || sent !== 1 || redeems(from) !== 1,
        note: `behind after a rotation: ${problem}, ${sent} submissions`,
      });
      expect(problem).toBeNull();
      expect(sent).toBe(1);
    } finally {
      await skewSandbox.close();
    }
    expect(t.record().notes).toEqual([]);
  });
});

describe('480 stops automation (T12)', () => {
  it('sends nothing at all for 240 automatic logins of every kind after KSeF answered 480, until a person resumes', async () => {
    const t = tally('T12', '480: automatic logins after a blocked context');
    const BLOCKED_NIP = '9512345675';
    // One limiter for the company, shared by every client — as the key worker shares it across tabs.
    const limiter = createLoginLimiter(systemClock);
    const blockedClient = () =>
      createKsefClient({
        transport: createFetchTransport({ fetch, resolveBaseUrl: () => sandbox.baseUrl }),
        clock: instantWaits(),
        subtle,
        env: ENV,
        context: { type: 'Nip', value: BLOCKED_NIP },
        loginLimiter: limiter,
      });
    const blockedCreds = await prepareCredentials(blockedClient(), BLOCKED_NIP);
    const testdata = (op: 'block' | 'unblock') =>
      fetch(`${sandbox.baseUrl}/testdata/context/${op}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ contextIdentifier: { type: 'Nip', value: BLOCKED_NIP } }),
      });
    expect((await testdata('block')).status).toBeLessThan(300);
    const first = await runFlow(
      'login with the test certificate',
      blockedClient(),
      blockedCreds,
      BLOCKED_NIP,
    );
    expect(first).toMatchObject({ ok: false, error: { code: 'AUTH_BLOCKED', ksef: { code: 480 } } });
    const automatic = FLOW_NAMES.filter((n) => n !== 'login with a signed request');
    const from = sandbox.control.requests().length;
    for (let i = 0; i < 240; i++) {
      const name = automatic[i % automatic.length]!;
      const before = sandbox.control.requests().length;
      const r = await runFlow(name, blockedClient(), blockedCreds, BLOCKED_NIP);
      const sent = sandbox.control.requests().length - before;
      const silent = !r.ok && r.error.code === 'AUTOMATION_STOPPED' && sent === 0;
      t.add({ leaked: !silent, note: `#${i} ${name}: ${JSON.stringify(r).slice(0, 120)}, ${sent} requests` });
      expect(silent, `#${i} ${name}`).toBe(true);
    }
    expect(sandbox.control.requests().length).toBe(from);
    // Positive control: a person resumes after KSeF lifted the block, and logins work again.
    expect((await testdata('unblock')).status).toBeLessThan(300);
    await limiter.resume(`${ENV}|Nip:${BLOCKED_NIP}`);
    const again = await runFlow(
      'login with the test certificate',
      blockedClient(),
      blockedCreds,
      BLOCKED_NIP,
    );
    expect(again.ok).toBe(true);
    t.control();
    expect(t.record().notes).toEqual([]);
  });
});

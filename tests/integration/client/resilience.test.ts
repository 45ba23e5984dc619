/**
 * Logins under trouble, against the real sandbox's fault injection: 429 storms, 5xx bursts, dropped
 * responses (before and after KSeF acted), slow statuses, cancellation, a key rotation in the middle
 * of a login, and random faults. Every login ends in a session or a precise error — never a hang,
 * never a second redeem, never a blind re-POST of a submission.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeKsefError } from '../../../shared/ksef/ksef-messages.ts';
import { loginWithKsefToken } from '../../../shared/ksef/login-with-ksef-token.ts';
import { loginWithTestCertificate } from '../../../shared/ksef/login-with-test-certificate.ts';
import { createMemoryRateLimitGate } from '../../../shared/ksef/rate-limit-gate.ts';
import { waitForTokenActive } from '../../../shared/ksef/wait-for-token-active.ts';
import { hookedTransport, openSandbox, randomNip } from './sandbox-fixture.ts';

let sb: Awaited<ReturnType<typeof openSandbox>>;
beforeAll(async () => {
  sb = await openSandbox();
});
afterAll(async () => {
  await sb?.close();
});
afterEach(() => {
  sb.sandbox.control.clearFaults();
  sb.sandbox.control.configure({ authDelayMs: 0, faults: { serverErrorRate: 0, dropRate: 0 } });
});

const count = (op: string) => sb.operations().filter((o) => o === op).length;
const REDEEM = 'POST /auth/token/redeem';
const XADES = 'POST /auth/xades-signature';
const STATUS = 'GET /auth/{referenceNumber}';
const CHALLENGE = 'POST /auth/challenge';

describe('429 and Retry-After', () => {
  it('waits out a 429 storm on the status and still logs in', async () => {
    sb.sandbox.control.injectFault({ operation: STATUS, kind: 'rate-limit', retryAfterSeconds: 1, times: 2 });
    sb.clear();
    const started = Date.now();
    const r = await loginWithTestCertificate(sb.client(randomNip()));
    expect(r.ok).toBe(true);
    // Two Retry-After: 1 answers were waited out (a lower bound: the wait happened at all).
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(count(STATUS)).toBe(3);
    expect(count(REDEEM)).toBe(1);
  });

  it('ends a 429 storm that outlasts the retries with RATE_LIMITED, not a hang and not a redeem', async () => {
    sb.sandbox.control.injectFault({
      operation: STATUS,
      kind: 'rate-limit',
      retryAfterSeconds: 0,
      times: 10,
    });
    sb.clear();
    const r = await loginWithTestCertificate(sb.client(randomNip()));
    expect(r).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', ksef: { httpStatus: 429 } } });
    expect(count(STATUS)).toBe(4);
    expect(count(REDEEM)).toBe(0);
  });

  it('answers RATE_LIMITED at once for a long block, and another flow of the same company does not even ask', async () => {
    const nip = randomNip();
    const gate = createMemoryRateLimitGate();
    const a = sb.client(nip, { rateLimitGate: gate });
    const b = sb.client(nip, { rateLimitGate: gate });
    sb.sandbox.control.injectFault({ operation: CHALLENGE, kind: 'rate-limit', retryAfterSeconds: 120 });
    const r = await loginWithTestCertificate(a);
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED', retryAfterMs: 120_000, ksef: { httpStatus: 429 } },
    });
    expect(describeKsefError(r.ok ? ({} as never) : r.error, 'en')).toBe(
      'KSeF limits the number of requests. Try again in 120 s.',
    );
    sb.clear();
    expect(await loginWithTestCertificate(b)).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED' } });
    expect(sb.operations()).toEqual([]);
  });
});

describe('5xx and dropped answers', () => {
  it('retries the status GET through a 5xx burst and a dropped answer', async () => {
    sb.sandbox.control.injectFault({ operation: STATUS, kind: 'error', status: 503, times: 2 });
    sb.sandbox.control.injectFault({ operation: STATUS, kind: 'drop' });
    sb.clear();
    expect((await loginWithTestCertificate(sb.client(randomNip()))).ok).toBe(true);
    expect(count(STATUS)).toBe(4);
    expect(count(REDEEM)).toBe(1);
  });

  it('re-asks for a challenge whose answer was dropped (creating one changes nothing)', async () => {
    sb.sandbox.control.injectFault({ operation: CHALLENGE, kind: 'drop' });
    sb.clear();
    expect((await loginWithTestCertificate(sb.client(randomNip()))).ok).toBe(true);
    expect(sb.operations()).toEqual([CHALLENGE, CHALLENGE, XADES, STATUS, REDEEM]);
  });

  it.each(['drop', 'drop-before'] as const)(
    'answers a submission whose answer was lost (%s) with a fresh challenge, not a re-POST',
    async (kind) => {
      sb.sandbox.control.injectFault({ operation: XADES, kind });
      sb.clear();
      const r = await loginWithTestCertificate(sb.client(randomNip()));
      expect(r.ok).toBe(true);
      expect(sb.operations()).toEqual([CHALLENGE, XADES, CHALLENGE, XADES, STATUS, REDEEM]);
    },
  );

  it('gives up with SUBMISSION_LOST when the fresh attempt is lost too', async () => {
    sb.sandbox.control.injectFault({ operation: XADES, kind: 'error', status: 502, times: 2 });
    sb.clear();
    expect(await loginWithTestCertificate(sb.client(randomNip()))).toMatchObject({
      ok: false,
      error: { code: 'SUBMISSION_LOST', ksef: { httpStatus: 502 } },
    });
    expect(sb.operations()).toEqual([CHALLENGE, XADES, CHALLENGE, XADES]);
  });

  it('never redeems twice: a redeem answer lost after KSeF issued the tokens is REDEEM_LOST "issued"', async () => {
    sb.sandbox.control.injectFault({ operation: REDEEM, kind: 'drop' });
    sb.clear();
    const r = await loginWithTestCertificate(sb.client(randomNip()));
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'REDEEM_LOST', detail: expect.stringContaining('issued the tokens') },
    });
    expect(count(REDEEM)).toBe(1);
    expect(sb.operations().at(-1)).toBe(STATUS);
  });

  it('never redeems twice: a redeem that failed before KSeF acted is REDEEM_LOST "not issued"', async () => {
    sb.sandbox.control.injectFault({ operation: REDEEM, kind: 'error', status: 500 });
    sb.clear();
    const r = await loginWithTestCertificate(sb.client(randomNip()));
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'REDEEM_LOST', detail: expect.stringContaining('not issued') },
    });
    expect(count(REDEEM)).toBe(1);
  });

  it('ends every login of a faulty run in a session or a precise error, with at most one redeem each', async () => {
    sb.sandbox.control.configure({ faults: { serverErrorRate: 0.15, dropRate: 0.15, seed: 42 } });
    sb.clear();
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await loginWithTestCertificate(sb.client(randomNip()));
      outcomes.push(r.ok ? 'session' : r.error.code);
    }
    for (const o of outcomes)
      expect(['session', 'SUBMISSION_LOST', 'REDEEM_LOST', 'KSEF_UNAVAILABLE', 'NETWORK']).toContain(o);
    expect(outcomes).toContain('session');
    expect(count(REDEEM)).toBeLessThanOrEqual(6);
  });
});

describe('slow statuses and cancellation', () => {
  it('follows a 300 ms verification with few polls, far below the 60/s limit', async () => {
    sb.sandbox.control.configure({ authDelayMs: 300, rateLimits: 'ksef' });
    try {
      sb.clear();
      const r = await loginWithTestCertificate(sb.client(randomNip()));
      expect(r.ok).toBe(true);
      // Timing is measured, not asserted here; the number of polls is behaviour.
      expect(count(STATUS)).toBeLessThanOrEqual(7);
      expect(sb.sandbox.control.requests().some((e) => e.status === 429)).toBe(false);
    } finally {
      sb.sandbox.control.configure({ rateLimits: 'off' });
    }
  });

  it('stops with STILL_IN_PROGRESS when the budget runs out, and does not redeem', async () => {
    sb.sandbox.control.configure({ authDelayMs: 10_000 });
    sb.clear();
    const r = await loginWithTestCertificate(
      sb.client(randomNip(), { polling: { auth: { budgetMs: 700 } } }),
    );
    expect(r).toMatchObject({ ok: false, error: { code: 'STILL_IN_PROGRESS' } });
    expect(r.ok || r.error.detail).toContain('Get status');
    expect(count(REDEEM)).toBe(0);
  });

  it('stops when cancelled mid-poll and never redeems afterwards', async () => {
    sb.sandbox.control.configure({ authDelayMs: 400 });
    const ac = new AbortController();
    sb.clear();
    const r = await loginWithTestCertificate(
      sb.client(randomNip()),
      {},
      {
        signal: ac.signal,
        onProgress: (p) => {
          if (p.phase === 'polling' && p.polls === 2) ac.abort();
        },
      },
    );
    expect(r).toMatchObject({ ok: false, error: { code: 'ABORTED' } });
    await new Promise((done) => setTimeout(done, 600));
    expect(count(REDEEM)).toBe(0);
  });
});

describe('key rotation in the middle of a token login', () => {
  it('is answered with one refetch, a new challenge and a new encryption', async () => {
    const nip = randomNip();
    const owner = sb.client(nip);
    const session = await loginWithTestCertificate(owner);
    if (!session.ok) throw new Error(session.error.code);
    const generated = await owner.tokens.generate(session.value.accessToken, {
      permissions: ['InvoiceRead'],
      description: 'rotation test token',
    });
    if (!generated.ok) throw new Error(generated.error.code);
    expect(
      (await waitForTokenActive(owner, session.value.accessToken, generated.value.referenceNumber)).ok,
    ).toBe(true);

    let rotated = false;
    const transport = hookedTransport(sb.transport, (req) => {
      // Right after the key was chosen and before the challenge: KSeF withdraws it (§10).
      if (req.operation === CHALLENGE && !rotated) {
        rotated = true;
        sb.sandbox.control.rotateEncryptionKeys({ withdrawOld: true });
      }
    });
    const ksef = sb.client(nip, { transport });
    sb.clear();
    const r = await loginWithKsefToken(ksef, { token: generated.value.token });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(sb.operations()).toEqual([
      'GET /security/public-key-certificates',
      CHALLENGE,
      'POST /auth/ksef-token',
      'GET /security/public-key-certificates',
      CHALLENGE,
      'POST /auth/ksef-token',
      STATUS,
      REDEEM,
    ]);
  });
});

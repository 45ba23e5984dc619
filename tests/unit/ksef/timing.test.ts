import { describe, expect, it } from 'vitest';
import {
  AUTH_POLL_PRODUCTION,
  AUTH_POLL_TEST,
  authPollPolicy,
  DEFAULT_RETRY,
  pollDelayMs,
  retryDelayMs,
  TOKEN_ACTIVATION_POLL,
} from '../../../shared/ksef/backoff.ts';
import { pollUntil } from '../../../shared/ksef/poll-until.ts';
import { parseRetryAfter, RETRY_AFTER } from '../../../shared/ksef/retry-after.ts';
import { ok } from '../../../shared/result.ts';
import { fakeClock } from './fakes.ts';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);

describe('parseRetryAfter', () => {
  it('reads integer seconds (the spec type)', () => {
    expect(parseRetryAfter('3', NOW)).toBe(3000);
    expect(parseRetryAfter(' 0 ', NOW)).toBe(0);
  });
  it('reads an HTTP date relative to now', () => {
    expect(parseRetryAfter(new Date(NOW + 7000).toUTCString(), NOW)).toBe(7000);
    expect(parseRetryAfter(new Date(NOW - 7000).toUTCString(), NOW)).toBe(0);
  });
  it('falls back to the default for a missing or unreadable value', () => {
    expect(parseRetryAfter(undefined, NOW)).toBe(RETRY_AFTER.DEFAULT_MS);
    expect(parseRetryAfter('soon', NOW, 2500)).toBe(2500);
    expect(parseRetryAfter('-5', NOW)).toBe(RETRY_AFTER.DEFAULT_MS);
    expect(parseRetryAfter('1.5', NOW)).toBe(RETRY_AFTER.DEFAULT_MS);
  });
  it('caps an absurd value at an hour', () => {
    expect(parseRetryAfter('9999999999', NOW)).toBe(RETRY_AFTER.MAX_MS);
  });
});

describe('the polling schedule', () => {
  it('polls the auth status at once, then every 50 ms growing ×1.3 to a 3 s cap on TEST', () => {
    const delays = Array.from({ length: 20 }, (_, i) => pollDelayMs(AUTH_POLL_TEST, i));
    expect(delays).toEqual([
      0, 50, 65, 85, 110, 143, 186, 241, 314, 408, 530, 689, 896, 1165, 1514, 1969, 2559, 3000, 3000, 3000,
    ]);
  });

  it('keeps the early polls dense enough to see a verification of up to 500 ms within 150 ms', () => {
    const times: number[] = [];
    let t = 0;
    for (let i = 0; i < 60; i++) {
      t += pollDelayMs(AUTH_POLL_TEST, i);
      times.push(t);
    }
    for (const d of [1, 100, 300, 450, 500]) expect(times.find((x) => x >= d)! - d).toBeLessThanOrEqual(150);
    // …while five logins in parallel stay below KSeF's 60 requests per second…
    expect(5 * times.filter((x) => x < 1000).length).toBeLessThan(60);
    // …and two minutes of waiting cost fewer than half the official clients' 120 polls.
    expect(times.filter((x) => x <= 120_000).length).toBeLessThanOrEqual(60);
  });

  it('allows 2 minutes on TEST and sandboxes, 5 minutes with a 5 s cap on DEMO and PRD', () => {
    expect(authPollPolicy('TEST')).toBe(AUTH_POLL_TEST);
    expect(authPollPolicy('custom:sandbox')).toBe(AUTH_POLL_TEST);
    expect(authPollPolicy('PRD')).toBe(AUTH_POLL_PRODUCTION);
    expect(authPollPolicy('DEMO')).toBe(AUTH_POLL_PRODUCTION);
    expect(AUTH_POLL_TEST.budgetMs).toBe(120_000);
    expect(AUTH_POLL_PRODUCTION).toMatchObject({ budgetMs: 300_000, maxDelayMs: 5000 });
  });

  it('keeps token-activation polling inside the 30-per-minute "other" limit', () => {
    let t = 0;
    let inFirstMinute = 0;
    for (let i = 0; t <= 60_000; i++) {
      t += pollDelayMs(TOKEN_ACTIVATION_POLL, i);
      if (t <= 60_000) inFirstMinute++;
    }
    expect(inFirstMinute).toBeLessThanOrEqual(16);
  });

  it('jitters idempotent retries between 0.5× and 1.5× of 200/400/800 ms', () => {
    expect(retryDelayMs(DEFAULT_RETRY, 0, () => 0)).toBe(100);
    expect(retryDelayMs(DEFAULT_RETRY, 0, () => 0.999)).toBe(300);
    expect(retryDelayMs(DEFAULT_RETRY, 2, () => 0.5)).toBe(800);
    expect(retryDelayMs(DEFAULT_RETRY, 10, () => 0.5)).toBe(DEFAULT_RETRY.maxDelayMs);
  });
});

describe('pollUntil', () => {
  it('probes at once, then on schedule, until done', async () => {
    const clock = fakeClock();
    let n = 0;
    const r = await pollUntil(
      clock,
      AUTH_POLL_TEST,
      async () => ok(++n),
      (x) => x === 4,
    );
    expect(r).toEqual({ ok: true, value: { value: 4, polls: 4 } });
    expect(clock.sleeps).toEqual([50, 65, 85]);
  });

  it('gives up with STILL_IN_PROGRESS when the budget is spent, without sleeping past it', async () => {
    const clock = fakeClock();
    const start = clock.now();
    const r = await pollUntil(
      clock,
      { ...AUTH_POLL_TEST, budgetMs: 10_000 },
      async () => ok(100),
      () => false,
    );
    expect(r.ok || r.error.code).toBe('STILL_IN_PROGRESS');
    expect(clock.now() - start).toBeLessThanOrEqual(10_000);
  });

  it('stops with ABORTED when cancelled between polls', async () => {
    const clock = fakeClock();
    const ac = new AbortController();
    let n = 0;
    const r = await pollUntil(
      clock,
      AUTH_POLL_TEST,
      async () => {
        if (++n === 2) ac.abort();
        return ok(n);
      },
      () => false,
      { signal: ac.signal },
    );
    expect(r.ok || r.error.code).toBe('ABORTED');
    expect(n).toBe(2);
  });
});

import { describe, expect, it } from 'vitest';
import { type BudgetInput, checkHandoffBudget, type Dispatch } from '../../../extension/handoff/budgets.ts';
import type { PendingHandoffRow } from '../../../extension/storage/extension-db.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const NOW = Date.UTC(2026, 4, 14, 12, 0, 0);
const ERP = 'https://erp.example';
const NIP = '5265877635';

const input = (extra: Partial<BudgetInput> = {}): BudgetInput => ({
  now: NOW,
  origin: ERP,
  nip: NIP,
  environment: 'TEST',
  trigger: 'button',
  pending: [],
  dispatches: [],
  refusals: [],
  ...extra,
});
const pending = (stage: 'wallet' | 'window', expiresAt = NOW + MINUTE): PendingHandoffRow => ({
  handoffId: 'AAAAAAAAAAAAAAAAAAAAAA',
  origin: ERP,
  tabId: 1,
  documentId: 'D',
  wantRefresh: false,
  trigger: 'button',
  requestedAt: NOW - MINUTE,
  expiresAt,
  stage,
});
/** `n` dispatches, one per minute, the newest `ageMs` ago. */
const dispatches = (n: number, origin = ERP, ageMs = MINUTE, nip = NIP): Dispatch[] =>
  Array.from({ length: n }, (_, i) => ({
    at: NOW - ageMs - i * MINUTE,
    origin,
    nip,
    environment: 'TEST' as const,
  }));

describe('hand-off budgets', () => {
  it('allows a first request', () => {
    expect(checkHandoffBudget(input())).toEqual({ ok: true, value: undefined });
  });

  it('allows one request in flight per origin, and one pending approval', () => {
    expect(checkHandoffBudget(input({ pending: [pending('wallet')] }))).toMatchObject({
      ok: false,
      error: { code: 'HANDOFF_BUSY', detail: 'a hand-off for this site is in progress' },
    });
    expect(checkHandoffBudget(input({ pending: [pending('window')] }))).toMatchObject({
      ok: false,
      error: { code: 'HANDOFF_BUSY', detail: 'an approval for this site is waiting in the wallet' },
    });
    // An expired one does not count; another origin's does not either.
    expect(checkHandoffBudget(input({ pending: [pending('window', NOW)] })).ok).toBe(true);
    expect(
      checkHandoffBudget(input({ origin: 'https://other.example', pending: [pending('window')] })).ok,
    ).toBe(true);
  });

  it('allows 10 sessions per origin in a sliding hour', () => {
    expect(checkHandoffBudget(input({ dispatches: dispatches(9) })).ok).toBe(true);
    const full = checkHandoffBudget(input({ dispatches: dispatches(10) }));
    expect(full).toMatchObject({ ok: false, error: { code: 'HANDOFF_BUDGET' } });
    // The oldest of the ten is 10 minutes old: room again in 50 minutes.
    if (!full.ok) expect(full.error.retryAfterMs).toBe(50 * MINUTE);
    expect(checkHandoffBudget(input({ dispatches: dispatches(10, ERP, HOUR) })).ok).toBe(true);
    expect(checkHandoffBudget(input({ dispatches: dispatches(10, 'https://other.example') })).ok).toBe(true);
  });

  it('allows 30 logins per company in an hour, counted over every origin', () => {
    const spread = [
      ...dispatches(9, 'https://a.example'),
      ...dispatches(9, 'https://b.example'),
      ...dispatches(9, 'https://c.example'),
      ...dispatches(3, 'https://d.example'),
    ];
    const full = checkHandoffBudget(input({ dispatches: spread }));
    expect(full).toMatchObject({
      ok: false,
      error: { code: 'HANDOFF_BUDGET', detail: 'at most 30 logins per company per hour' },
    });
    expect(checkHandoffBudget(input({ dispatches: spread.slice(1) })).ok).toBe(true);
    expect(checkHandoffBudget(input({ nip: '5213000000', dispatches: spread })).ok).toBe(true);
    // A request that names no company is only held to the origin's budget.
    expect(checkHandoffBudget(input({ nip: undefined, environment: undefined, dispatches: spread })).ok).toBe(
      true,
    );
  });

  it('stays quiet for 24 hours after a refusal, for the button but not for the popup', () => {
    const refusals = [{ origin: ERP, nip: NIP, environment: 'TEST' as const, refusedAt: NOW - 23 * HOUR }];
    const quiet = checkHandoffBudget(input({ refusals }));
    expect(quiet).toMatchObject({ ok: false, error: { code: 'HANDOFF_REFUSED', retryAfterMs: HOUR } });
    expect(checkHandoffBudget(input({ refusals, trigger: 'popup' })).ok).toBe(true);
    expect(checkHandoffBudget(input({ refusals, nip: '5213000000' })).ok).toBe(true);
    expect(
      checkHandoffBudget(input({ refusals: [{ ...refusals[0]!, refusedAt: NOW - 24 * HOUR }] })).ok,
    ).toBe(true);
    const wholeOrigin = [{ origin: ERP, nip: '*', environment: '*' as const, refusedAt: NOW - HOUR }];
    expect(checkHandoffBudget(input({ refusals: wholeOrigin, nip: '5213000000' })).ok).toBe(false);
  });

  it('keeps a page clicking 1,000 times within budget', () => {
    const log: Dispatch[] = [];
    let allowed = 0;
    for (let i = 0; i < 1000; i++) {
      const now = NOW + i * 1000;
      const r = checkHandoffBudget(input({ now, dispatches: log }));
      if (r.ok) {
        allowed += 1;
        log.push({ at: now, origin: ERP, nip: NIP, environment: 'TEST' });
      }
    }
    expect(allowed).toBe(10);
  });
});

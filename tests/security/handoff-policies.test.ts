/**
 * The hand-off rules in the real background logic (router, hand-off use cases, extension database
 * on fake-indexeddb, a fake clock and recorded tabs — tests/unit/extension/handoff-fixture.ts):
 *
 *  - T12: 1,000 clicks from five ERP pages over three hours stay in budget — 1 hand-off in flight
 *    per origin, ≤ 10 sessions per origin per hour, ≤ 30 logins per company per hour (each
 *    "mint" the wallet is asked for is a KSeF login);
 *  - T7: 240 generated sessions offered to pages: a refresh token only where the user granted it
 *    and the page asked, no Credentials* or SubunitManage session without the extra confirmation (also
 *    when only the token's `per` claim says so), never with under 5 minutes left, never a refresh
 *    token while the vault is locked — checked against the rule as SECURITY.md states it;
 *  - T2: after all of it, the extension database holds no token, and the chrome.storage writer
 *    refuses 200 generated values that are not the lock state.
 */

import { describe, expect, it } from 'vitest';
import { HANDOFF_BUDGETS } from '../../extension/handoff/budgets.ts';
import { createSessionState } from '../../extension/storage/session-state.ts';
import { CREDENTIAL_PERMISSIONS } from '../../shared/protocol/handoff-fields.ts';
import {
  accessToken,
  createBackground,
  HOUR,
  MINUTE,
  NIP,
  NIP2,
  sessionFor,
} from '../unit/extension/handoff-fixture.ts';
import { tally } from './ledger.ts';
import { seeded } from './support/prng.ts';
import { findLeaks, marker, markerJwt } from './support/secrets.ts';

type Bg = ReturnType<typeof createBackground>;

const ORIGINS = [
  'https://erp.example',
  'https://ksiegowosc.example',
  'https://faktury.example:8443',
  'http://127.0.0.1:8080',
  'https://inny.example',
] as const;
/** The last origin works for the second company; the others share the first. */
const companyOf = (origin: string) => (origin === ORIGINS[4] ? NIP2 : NIP);

async function backgroundWithApprovals(grant: 'access-only' | 'with-refresh' = 'access-only') {
  const bg = createBackground();
  for (const [i, origin] of ORIGINS.entries()) {
    await bg.enableSite(origin);
    bg.openDocument(10 + i, origin);
    await bg.db.approvals.put({
      origin,
      nip: companyOf(origin),
      environment: 'TEST',
      grant,
      credentialsConfirmed: false,
      decidedAt: bg.clock.now,
    });
  }
  bg.connectWallet(50, 24 * HOUR);
  return bg;
}

const mintsOf = (bg: Bg) =>
  bg.pushes.filter((p) => (p.message as { push?: string }).push === 'handoff.mint') as {
    tabId: number;
    message: { payload: { handoffId: string; origin: string; nip: string } };
  }[];

describe('budgets against a page that keeps clicking (T12)', () => {
  it('keeps 1,000 clicks from five ERP pages over ten hours within 1 in flight, 10 sessions per site and 30 logins per company per hour', async () => {
    const rand = seeded(1000);
    const t = tally('T12', '1,000 page hand-off requests against the budgets');
    const bg = await backgroundWithApprovals();
    const dispatched: { at: number; origin: string; nip: string }[] = [];
    const open: { handoffId: string; origin: string; nip: string }[] = [];
    const refusals = new Map<string, number>();
    let seenMints = 0;
    for (let i = 0; i < 1000; i++) {
      // About 100 clicks an hour over ten hours: twice each site's budget, three times the
      // company's. (The extension database runs on fake-indexeddb here, whose index scans are slow;
      // a denser storm costs minutes of test time without testing anything more.)
      bg.clock.now += rand.int(0, 72_000);
      const tabIndex = rand.int(0, ORIGINS.length - 1);
      const origin = ORIGINS[tabIndex]!;
      const reply = await bg.send(
        'handoff.request',
        { nip: companyOf(origin), environment: 'TEST', wantRefresh: false, trigger: 'button' },
        bg.contentScript(10 + tabIndex),
      );
      if (!reply.ok) refusals.set(reply.error.code, (refusals.get(reply.error.code) ?? 0) + 1);
      // Every mint the wallet was asked for is a KSeF login.
      for (const m of mintsOf(bg).slice(seenMints)) {
        dispatched.push({ at: bg.clock.now, origin: m.message.payload.origin, nip: m.message.payload.nip });
        open.push(m.message.payload);
      }
      seenMints = mintsOf(bg).length;
      // The wallet answers some mints at once, some later, some never (the request then expires).
      for (const m of [...open]) {
        const roll = rand.next();
        if (roll < 0.55) {
          await bg.send(
            'handoff.complete',
            { handoffId: m.handoffId, outcome: 'session', session: sessionFor(m.nip, bg.clock.now) },
            bg.pwa(),
          );
          open.splice(open.indexOf(m), 1);
        } else if (roll < 0.65) {
          await bg.send(
            'handoff.complete',
            { handoffId: m.handoffId, outcome: 'failed', error: { code: 'KSEF_UNAVAILABLE' } },
            bg.pwa(),
          );
          open.splice(open.indexOf(m), 1);
        }
      }
      // The budgets, checked from what was dispatched — not from the code's own bookkeeping.
      const now = bg.clock.now;
      const lastHour = dispatched.filter((d) => d.at > now - HOUR);
      const perOrigin = Math.max(0, ...ORIGINS.map((o) => lastHour.filter((d) => d.origin === o).length));
      const perCompany = Math.max(0, ...[NIP, NIP2].map((n) => lastHour.filter((d) => d.nip === n).length));
      const pending = await bg.db.pendingHandoffs.where('origin').equals(origin).toArray();
      const inFlight = pending.filter((p) => p.expiresAt > now).length;
      const over =
        perOrigin > HANDOFF_BUDGETS.SESSIONS_PER_ORIGIN_PER_HOUR ||
        perCompany > HANDOFF_BUDGETS.LOGINS_PER_COMPANY_PER_HOUR ||
        inFlight > HANDOFF_BUDGETS.IN_FLIGHT_PER_ORIGIN ||
        bg.windows.length > 0;
      t.add({
        leaked: over,
        note: `#${i} ${origin}: ${perOrigin}/origin/h, ${perCompany}/company/h, ${inFlight} in flight, ${bg.windows.length} windows`,
      });
      if (!reply.ok) expect(['HANDOFF_BUSY', 'HANDOFF_BUDGET'], `#${i}`).toContain(reply.error.code);
    }
    const r = t.record();
    expect(r.notes).toEqual([]);
    // The run did push against every limit.
    expect(refusals.get('HANDOFF_BUSY')).toBeGreaterThan(20);
    expect(refusals.get('HANDOFF_BUDGET')).toBeGreaterThan(50);
    expect(dispatched.length).toBeGreaterThan(100);
    expect(bg.clock.now - dispatched[0]!.at).toBeGreaterThan(8 * HOUR);
  });
});

describe('budgets against a page that floods the activity log (T12)', () => {
  // Found by this suite: the budgets were counted from the activity log, which keeps its last 2,000
  // rows and wrote one "blocked" row per refused click, so ~2,200 refused clicks within an hour (a
  // compromised ERP renderer can send handoff.request at will, T5) pushed that hour's dispatches
  // out and the budget started again (20 sessions for one site in 45 seconds). Dispatches now have
  // their own store, trimmed only outside the budget window, and refused clicks are logged once
  // per origin, code and minute with a count.
  it('keeps 10 sessions per site and 30 logins per company per hour while 2,400 refused clicks flood the log', async () => {
    const rand = seeded(2400);
    const t = tally('T12', 'refused clicks flooding the activity log against the budgets');
    const origins = ORIGINS.slice(0, 4);
    const bg = createBackground();
    for (const [i, origin] of origins.entries()) {
      await bg.enableSite(origin);
      bg.openDocument(10 + i, origin);
      await bg.db.approvals.put({
        origin,
        nip: NIP,
        environment: 'TEST',
        grant: 'access-only',
        credentialsConfirmed: false,
        decidedAt: bg.clock.now,
      });
    }
    bg.connectWallet(50, 24 * HOUR);
    const minted: { at: number; origin: string }[] = [];
    let refused = 0;
    /** One click from a site; the wallet answers every mint at once (nothing stays in flight). */
    const click = async (tabIndex: number) => {
      const before = mintsOf(bg).length;
      const reply = await bg.send(
        'handoff.request',
        { nip: NIP, environment: 'TEST', wantRefresh: false, trigger: 'button' },
        bg.contentScript(10 + tabIndex),
      );
      if (!reply.ok) refused += 1;
      const mints = mintsOf(bg).slice(before);
      for (const m of mints) {
        minted.push({ at: bg.clock.now, origin: m.message.payload.origin });
        await bg.send(
          'handoff.complete',
          {
            handoffId: m.message.payload.handoffId,
            outcome: 'session',
            session: sessionFor(NIP, bg.clock.now),
          },
          bg.pwa(),
        );
      }
      return { reply, mints: mints.length };
    };
    /** The budgets, checked from the mints the wallet was asked for, not from the code's bookkeeping. */
    const overBudget = () => {
      const now = bg.clock.now;
      const lastHour = minted.filter((m) => m.at > now - HOUR);
      const perSite = Math.max(0, ...origins.map((o) => lastHour.filter((m) => m.origin === o).length));
      return perSite > HANDOFF_BUDGETS.SESSIONS_PER_ORIGIN_PER_HOUR ||
        lastHour.length > HANDOFF_BUDGETS.LOGINS_PER_COMPANY_PER_HOUR
        ? `${perSite}/site/h, ${lastHour.length}/company/h`
        : null;
    };

    // The first minutes: three sites use up the company's 30 logins (10 each).
    for (let round = 0; round < 12; round++)
      for (let i = 0; i < 3; i++) {
        bg.clock.now += 5_000;
        await click(i);
      }
    expect(minted).toHaveLength(HANDOFF_BUDGETS.LOGINS_PER_COMPANY_PER_HOUR);

    // Then 40 minutes of refused clicks, mostly from the first site, about one a second.
    for (let i = 0; i < 2400; i++) {
      bg.clock.now += rand.int(500, 1500);
      const from = rand.chance(0.85) ? 0 : rand.int(1, 3);
      const { reply, mints } = await click(from);
      const over = overBudget();
      t.add({
        leaked: mints > 0 || over !== null,
        note: `#${i} ${origins[from]}: ${mints} mint(s), ${over ?? 'within budget'}`,
      });
      if (!reply.ok) expect(['HANDOFF_BUSY', 'HANDOFF_BUDGET'], `#${i}`).toContain(reply.error.code);
    }
    expect(bg.clock.now - minted[0]!.at).toBeLessThan(HOUR);
    // Still inside the hour: every site is refused, the fourth one by the company's budget.
    for (let i = 0; i < 4; i++)
      expect((await click(i)).reply).toMatchObject({ ok: false, error: { code: 'HANDOFF_BUDGET' } });

    // The log says how many clicks were refused without a row for each: one per site, code and minute.
    const blocked = (await bg.db.activity.toArray()).filter((r) => r.event === 'blocked');
    const counted = blocked.reduce((n, r) => n + (r.count ?? 1), 0);
    t.add({ lost: counted !== refused, note: `the log counts ${counted} refused clicks of ${refused}` });
    expect(counted).toBe(refused);
    const byKey = new Map<string, number[]>();
    for (const r of blocked)
      byKey.set(`${r.origin} ${r.code}`, [...(byKey.get(`${r.origin} ${r.code}`) ?? []), r.at]);
    for (const [key, times] of byKey)
      for (let j = 1; j < times.length; j++)
        expect(times[j]! - times[j - 1]!, key).toBeGreaterThanOrEqual(60_000);
    expect(blocked.length).toBeLessThan(4 * 2 * 45);
    expect(await bg.db.activity.count()).toBeLessThan(2000);

    // Positive control: the budget is a window, not a wall — once the first logins leave the hour,
    // the site that never had a session gets one.
    bg.clock.now = minted[0]!.at + HOUR + 1;
    expect((await click(3)).mints).toBe(1);
    t.control();
    expect(overBudget()).toBeNull();
    expect(t.record().notes).toEqual([]);
  });
});

describe('what a page may receive (T7)', () => {
  /** SECURITY.md T7 and §4, stated independently of session-policy.ts. */
  function oracle(c: {
    permissions: readonly string[];
    claimed: readonly string[];
    refresh: boolean;
    grant: 'access-only' | 'with-refresh';
    wantRefresh: boolean;
    credentialsConfirmed: boolean;
    minutesLeft: number;
    locked: boolean;
  }): 'deliver' | 'deliver-with-refresh' | 'refuse' {
    const all = [...c.permissions, ...c.claimed];
    if (
      all.some((p) => ['CredentialsManage', 'CredentialsRead', 'SubunitManage'].includes(p)) &&
      !c.credentialsConfirmed
    )
      return 'refuse';
    if (c.minutesLeft < 5) return 'refuse';
    if (c.refresh && (c.grant !== 'with-refresh' || !c.wantRefresh || c.locked)) return 'refuse';
    return c.refresh ? 'deliver-with-refresh' : 'deliver';
  }

  it('gives 240 generated sessions to a page only as the rules allow', async () => {
    const rand = seeded(7_7);
    const t = tally('T7', 'sessions offered to ERP pages (refresh, Credentials*, time left, lock)');
    const plain = ['InvoiceRead', 'InvoiceWrite', 'Introspection', 'EnforcementOperations'];
    const outcomes = new Map<string, number>();
    for (let i = 0; i < 240; i++) {
      const c = {
        permissions: plain
          .filter(() => rand.chance(0.5))
          .concat(rand.chance(0.25) ? [rand.pick(CREDENTIAL_PERMISSIONS)] : []),
        // A wallet that under-declares: the token's own `per` claim may carry more than the list.
        claimed: rand.chance(0.2) ? [rand.pick(CREDENTIAL_PERMISSIONS)] : [],
        refresh: rand.chance(0.5),
        grant: rand.pick(['access-only', 'with-refresh'] as const),
        wantRefresh: rand.chance(0.5),
        credentialsConfirmed: rand.chance(0.3),
        minutesLeft: rand.pick([1, 4, 5.5, 10, 15]),
        locked: rand.chance(0.15),
      };
      const bg = createBackground();
      const origin = 'https://erp.example';
      await bg.enableSite(origin);
      bg.openDocument(7, origin);
      await bg.db.approvals.put({
        origin,
        nip: NIP,
        environment: 'TEST',
        grant: c.grant,
        credentialsConfirmed: c.credentialsConfirmed,
        decidedAt: bg.clock.now,
      });
      bg.connectWallet(50, HOUR);
      const req = await bg.send(
        'handoff.request',
        { nip: NIP, environment: 'TEST', wantRefresh: c.wantRefresh, trigger: 'button' },
        bg.contentScript(7),
      );
      if (!req.ok) throw new Error(`#${i} request: ${req.error.code}`);
      // The wallet's vault locks between the mint and its answer.
      if (c.locked) bg.ctx.wallets.setState(50, { locked: true }, bg.clock.now);
      const access = accessToken([...c.permissions, ...c.claimed], marker('access'));
      const refresh = markerJwt({ typ: 'RefreshToken' });
      const session = sessionFor(NIP, bg.clock.now, {
        accessToken: access,
        permissions: [...c.permissions],
        accessTokenValidUntil: new Date(bg.clock.now + c.minutesLeft * MINUTE).toISOString(),
        ...(c.refresh
          ? {
              refreshToken: refresh,
              refreshTokenValidUntil: new Date(bg.clock.now + 7 * 24 * HOUR).toISOString(),
            }
          : {}),
      });
      await bg.send(
        'handoff.complete',
        { handoffId: req.value.handoffId, outcome: 'session', session },
        bg.pwa(),
      );
      const delivered = bg.sent.filter((s) => s.message.kind === 'cs.deliver');
      const got =
        delivered.length === 0
          ? 'refuse'
          : JSON.stringify(delivered).includes(refresh)
            ? 'deliver-with-refresh'
            : 'deliver';
      const expected = oracle(c);
      outcomes.set(`${expected} → ${got}`, (outcomes.get(`${expected} → ${got}`) ?? 0) + 1);
      // Leaked: the page got more than the rule allows. Refusing more than the rule asks is no
      // leak, but the rule and the product must agree both ways.
      const rank = { refuse: 0, deliver: 1, 'deliver-with-refresh': 2 } as const;
      t.add({
        leaked: rank[got] > rank[expected],
        note: `#${i} ${JSON.stringify(c)}: ${got}, rule says ${expected}`,
      });
      expect(got, `#${i} ${JSON.stringify(c)}`).toBe(expected);
      // Whatever happened, the extension stored no token (T2).
      expect(findLeaks(await bg.dump(), [access, refresh])).toEqual([]);
    }
    expect(t.record().notes).toEqual([]);
    expect(outcomes.size).toBeGreaterThanOrEqual(3);
  });
});

describe('chrome.storage holds the lock state only (T2)', () => {
  it('refuses 200 generated values that are not the lock state, and writes nothing of them', async () => {
    const rand = seeded(2);
    const t = tally('T2', 'chrome.storage writes outside the allowlist');
    const stored: Record<string, unknown>[] = [];
    const area = {
      get: async () => ({}),
      set: async (items: Record<string, unknown>) => {
        stored.push(items);
      },
    };
    const state = createSessionState(area);
    const dataKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt']);
    const raw = new Uint8Array(await crypto.subtle.exportKey('raw', dataKey));
    for (let i = 0; i < 200; i++) {
      const secret = rand.pick([markerJwt(), marker('key'), Buffer.from(raw).toString('base64')]);
      const good = { locked: false, unlockedUntil: 1_800_000_000_000, updatedAt: 1_700_000_000_000 };
      const bad = rand.pick<() => [string, unknown]>([
        () => ['walletLock', { ...good, dataKey: secret }],
        () => ['walletLock', { ...good, unlockedUntil: secret }],
        () => ['walletLock', { ...good, locked: secret }],
        () => ['walletLock', { ...good, key: raw }],
        () => ['walletLock', { ...good, key: dataKey }],
        () => ['walletLock', secret],
        () => ['walletLock', [good, secret]],
        () => [rand.pick(['dataKey', 'refreshToken', 'accessToken', 'vault', 'approvals']), secret],
        () => [rand.pick(['dataKey', 'session']), { ...good }],
        () => ['walletLock', { ...good, unlockedUntil: -1 }],
        () => ['walletLock', { ...good, updatedAt: 1.5 }],
      ])();
      let refused = false;
      try {
        await state.write(bad[0] as never, bad[1] as never);
      } catch {
        refused = true;
      }
      const leaked = !refused || stored.length > 0 || findLeaks(JSON.stringify(stored), [secret]).length > 0;
      t.add({ leaked, note: `#${i} ${bad[0]}: ${JSON.stringify(bad[1]).slice(0, 80)}` });
      expect(refused, `#${i}`).toBe(true);
    }
    // Positive control: the lock state itself is written.
    await state.write('walletLock', { locked: true, unlockedUntil: null, updatedAt: 1 });
    expect(stored).toEqual([{ walletLock: { locked: true, unlockedUntil: null, updatedAt: 1 } }]);
    t.control();
    expect(t.record().notes).toEqual([]);
  });
});

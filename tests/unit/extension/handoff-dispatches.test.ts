/**
 * The budgets' own dispatch store and the counted "blocked" rows (SECURITY.md §4, T12), in the
 * real background logic on fake-indexeddb with a fake clock (handoff-fixture.ts), and the
 * database migration that introduced them, from a database written by schema version 2.
 */
import Dexie from 'dexie';
import { IDBKeyRange, indexedDB } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { HANDOFF_BUDGETS } from '../../../extension/handoff/budgets.ts';
import {
  BLOCKED_LOG_PERIOD_MS,
  KEEP_ACTIVITY,
  recordActivity,
} from '../../../extension/handoff/handoff-context.ts';
import { type ActivityRow, ExtensionDb } from '../../../extension/storage/extension-db.ts';
import { mergeHandoffActivity } from '../../../pwa/features/handoff/handoff-activity.ts';
import { createBackground, ERP, HOUR, MINUTE, NIP, NIP2, sessionFor, T0 } from './handoff-fixture.ts';

const TAB = 7;
const click = { nip: NIP, environment: 'TEST' as const, wantRefresh: false, trigger: 'button' as const };

async function approvedSite() {
  const bg = createBackground();
  await bg.enableSite();
  bg.openDocument(TAB);
  await bg.db.approvals.put({
    origin: ERP,
    nip: NIP,
    environment: 'TEST',
    grant: 'access-only',
    credentialsConfirmed: false,
    decidedAt: bg.clock.now,
  });
  bg.connectWallet(50, 24 * HOUR);
  return bg;
}

type Bg = Awaited<ReturnType<typeof approvedSite>>;

/** A click the wallet serves at once; throws when the budgets refuse it. */
async function servedClick(bg: Bg, payload = click, tab = TAB) {
  const req = await bg.send('handoff.request', payload, bg.contentScript(tab));
  if (!req.ok) throw new Error(req.error.code);
  await bg.send(
    'handoff.complete',
    {
      handoffId: req.value.handoffId,
      outcome: 'session',
      session: sessionFor(payload.nip ?? NIP, bg.clock.now),
    },
    bg.pwa(),
  );
  return req.value.handoffId;
}

const blockedRows = async (bg: Bg) => (await bg.db.activity.toArray()).filter((r) => r.event === 'blocked');

describe('dispatches the budgets count', () => {
  it('keeps a site at 10 sessions an hour after the activity log rolled over', async () => {
    const bg = await approvedSite();
    for (let i = 0; i < HANDOFF_BUDGETS.SESSIONS_PER_ORIGIN_PER_HOUR; i++) {
      bg.clock.now += MINUTE;
      await servedClick(bg);
    }
    // More entries than the log keeps, none of them a dispatch: the hour's dispatches are gone
    // from the log, and used to be gone from the budget with them.
    for (let i = 0; i < KEEP_ACTIVITY + 50; i++)
      await recordActivity(bg.ctx, { event: 'site-enabled', origin: 'https://other.example' });
    expect(await bg.db.activity.count()).toBe(KEEP_ACTIVITY);
    expect((await bg.db.activity.toArray()).some((r) => r.event === 'wallet-asked')).toBe(false);

    bg.clock.now += MINUTE;
    const eleventh = await bg.send('handoff.request', click, bg.contentScript(TAB));
    expect(eleventh).toMatchObject({ ok: false, error: { code: 'HANDOFF_BUDGET' } });
    expect(await bg.db.dispatches.count()).toBe(HANDOFF_BUDGETS.SESSIONS_PER_ORIGIN_PER_HOUR);
  });

  it('records one dispatch per hand-off, also when a silent attempt moves to a wallet window', async () => {
    const bg = await approvedSite();
    const req = await bg.send('handoff.request', click, bg.contentScript(TAB));
    if (!req.ok) throw new Error(req.error.code);
    const askedAt = bg.clock.now;
    bg.clock.now += 10_000;
    await bg.send('handoff.complete', { handoffId: req.value.handoffId, outcome: 'needs-user' }, bg.pwa());
    expect(bg.windows).toHaveLength(1);
    expect(await bg.db.dispatches.toArray()).toEqual([
      { handoffId: req.value.handoffId, at: askedAt, origin: ERP, nip: NIP, environment: 'TEST' },
    ]);
  });

  it('removes dispatches only once they are older than the budget window', async () => {
    const bg = await approvedSite();
    const first = await servedClick(bg);
    bg.clock.now += HANDOFF_BUDGETS.WINDOW_MS - 1;
    const second = await servedClick(bg);
    expect((await bg.db.dispatches.toArray()).map((d) => d.handoffId).sort()).toEqual([first, second].sort());
    bg.clock.now += 2;
    const third = await servedClick(bg);
    expect((await bg.db.dispatches.toArray()).map((d) => d.handoffId).sort()).toEqual([second, third].sort());
  });

  it('counts a hand-off approved in the window against the company the user chose, when the page named none', async () => {
    const bg = createBackground();
    await bg.enableSite();
    bg.openDocument(TAB);
    const req = await bg.send(
      'handoff.request',
      { wantRefresh: false, trigger: 'button' },
      bg.contentScript(TAB),
    );
    if (!req.ok) throw new Error(req.error.code);
    expect(await bg.db.dispatches.get(req.value.handoffId)).not.toHaveProperty('nip');
    await bg.send(
      'handoff.complete',
      {
        handoffId: req.value.handoffId,
        outcome: 'session',
        session: sessionFor(NIP2, bg.clock.now),
        decision: { grant: 'access-only', credentialsConfirmed: false },
      },
      bg.pwa(),
    );
    expect(await bg.db.dispatches.get(req.value.handoffId)).toMatchObject({ nip: NIP2, environment: 'TEST' });
  });

  it('holds the company to 30 logins an hour over several sites, the window-approved one included', async () => {
    const bg = createBackground();
    const sites = ['https://a.example', 'https://b.example', 'https://c.example', 'https://d.example'];
    for (const [i, origin] of sites.entries()) {
      await bg.enableSite(origin);
      bg.openDocument(20 + i, origin);
    }
    bg.connectWallet(50, 24 * HOUR);
    // The first site names no company; the user picks NIP in the window.
    const req = await bg.send(
      'handoff.request',
      { wantRefresh: false, trigger: 'button' },
      bg.contentScript(20),
    );
    if (!req.ok) throw new Error(req.error.code);
    await bg.send(
      'handoff.complete',
      {
        handoffId: req.value.handoffId,
        outcome: 'session',
        session: sessionFor(NIP, bg.clock.now),
        decision: { grant: 'access-only', credentialsConfirmed: false },
      },
      bg.pwa(),
    );
    for (const origin of sites.slice(1))
      await bg.db.approvals.put({
        origin,
        nip: NIP,
        environment: 'TEST',
        grant: 'access-only',
        credentialsConfirmed: false,
        decidedAt: bg.clock.now,
      });
    // 29 more logins from the other three sites (10 + 10 + 9): 30 in all.
    for (let i = 0; i < 29; i++) {
      bg.clock.now += 10_000;
      await servedClick(bg, click, 21 + (i % 3));
    }
    bg.clock.now += 10_000;
    const over = await bg.send('handoff.request', click, bg.contentScript(23));
    expect(over).toMatchObject({ ok: false, error: { code: 'HANDOFF_BUDGET' } });
    if (!over.ok) expect(over.error.detail).toContain('per company');
  });
});

describe('refused clicks in the activity log', () => {
  it('logs the refused clicks of one origin and code once a minute, with their count', async () => {
    const bg = createBackground();
    await bg.enableSite();
    bg.openDocument(TAB);
    // A wallet window waits for the user (5 minutes): every click meanwhile is busy.
    await bg.send('handoff.request', click, bg.contentScript(TAB));
    const start = bg.clock.now;
    for (let i = 0; i < 25; i++) {
      bg.clock.now = start + i * 5_000; // 25 clicks over 2 minutes
      expect(await bg.send('handoff.request', click, bg.contentScript(TAB))).toMatchObject({
        ok: false,
        error: { code: 'HANDOFF_BUSY' },
      });
    }
    const rows = await blockedRows(bg);
    const since = (t: number | undefined) => (t === undefined ? null : t - start);
    expect(rows.map((r) => ({ at: since(r.at), count: r.count, lastAt: since(r.lastAt) }))).toEqual([
      { at: 0, count: 12, lastAt: 55_000 },
      { at: 60_000, count: 12, lastAt: 115_000 },
      { at: 120_000, count: 1, lastAt: null },
    ]);
    expect(rows.every((r) => r.origin === ERP && r.code === 'HANDOFF_BUSY' && r.nip === NIP)).toBe(true);
    expect(BLOCKED_LOG_PERIOD_MS).toBe(MINUTE);
  });

  it('keeps separate rows per origin and per code, and names no company when the clicks named several', async () => {
    const bg = await approvedSite();
    await bg.enableSite('https://other.example');
    bg.openDocument(8, 'https://other.example');
    await bg.send('handoff.request', click, bg.contentScript(TAB));
    await bg.send('handoff.request', click, bg.contentScript(8)); // a window for the other site
    for (const tab of [TAB, 8, TAB, 8]) {
      bg.clock.now += 1_000;
      await bg.send('handoff.request', click, bg.contentScript(tab));
    }
    bg.clock.now += 1_000;
    await bg.send('handoff.request', { ...click, nip: NIP2 }, bg.contentScript(TAB));
    const rows = await blockedRows(bg);
    expect(rows.map((r) => [r.origin, r.code, r.count, r.nip ?? null])).toEqual([
      [ERP, 'HANDOFF_BUSY', 3, null],
      ['https://other.example', 'HANDOFF_BUSY', 2, NIP],
    ]);
    expect(rows[0]).not.toHaveProperty('environment');

    // A refusal is another code: its own row, though in the same minute.
    const pending = await bg.db.pendingHandoffs.where('origin').equals('https://other.example').first();
    await bg.send('handoff.complete', { handoffId: pending!.handoffId, outcome: 'refused' }, bg.pwa());
    bg.clock.now += 1_000;
    await bg.send('handoff.request', click, bg.contentScript(8));
    expect((await blockedRows(bg)).map((r) => [r.origin, r.code, r.count])).toEqual([
      [ERP, 'HANDOFF_BUSY', 3],
      ['https://other.example', 'HANDOFF_BUSY', 2],
      ['https://other.example', 'HANDOFF_REFUSED', 1],
    ]);
  });

  it('gives the wallet the count with each blocked entry', async () => {
    const bg = await approvedSite();
    await bg.send('handoff.request', click, bg.contentScript(TAB));
    for (let i = 0; i < 3; i++) await bg.send('handoff.request', click, bg.contentScript(TAB));
    const list = await bg.send('activity.list', {}, bg.pwa());
    if (!list.ok) throw new Error(list.error.code);
    expect(list.value.entries.filter((e) => e.event === 'blocked')).toMatchObject([
      { origin: ERP, code: 'HANDOFF_BUSY', count: 3 },
    ]);
    // The wallet's activity log shows it as one "blocked ×3" row.
    const items = mergeHandoffActivity(list.value.entries, [], []);
    expect(items.filter((i) => i.label === 'evBlocked')).toMatchObject([{ origin: ERP, count: 3 }]);
    expect(items.find((i) => i.label === 'evRequested')).not.toHaveProperty('count');
  });
});

describe('migration to schema version 3', () => {
  it('carries the dispatches of a version 2 log over, so an update gives no page a fresh budget', async () => {
    const name = `test-extension-v2-${Math.random().toString(36).slice(2)}`;
    const v2 = new Dexie(name, { indexedDB, IDBKeyRange });
    v2.version(1).stores({ environments: 'id' });
    v2.version(2).stores({
      erpSites: 'origin',
      approvals: '[origin+nip+environment], origin',
      refusals: '[origin+nip+environment], origin',
      handedSessions: 'referenceNumber, origin, [origin+nip+environment], revocation',
      pendingHandoffs: 'handoffId, origin',
      activity: '++id, at, origin',
      snapshot: 'id',
    });
    await v2.table('erpSites').put({ origin: ERP, enabledAt: T0 });
    const rows: Omit<ActivityRow, 'id'>[] = [];
    for (let i = 0; i < 10; i++) {
      const at = T0 + i * MINUTE;
      const ids = { origin: ERP, nip: NIP, environment: 'TEST' as const, handoffId: `h-${i}` };
      rows.push({ at, event: 'requested', ...ids });
      rows.push({ at, event: i % 2 ? 'wallet-asked' : 'window-opened', ...ids });
      // A silent attempt that moved to a window: one dispatch, from the first ask.
      if (i === 3) rows.push({ at: at + 5_000, event: 'window-opened', ...ids });
      rows.push({ at, event: 'blocked', origin: ERP, code: 'HANDOFF_BUSY' });
    }
    await v2.table('activity').bulkAdd(rows);
    v2.close();

    const db = new ExtensionDb(name, { indexedDB, IDBKeyRange });
    const carried = await db.dispatches.orderBy('at').toArray();
    expect(carried).toHaveLength(10);
    expect(carried[3]).toEqual({
      handoffId: 'h-3',
      at: T0 + 3 * MINUTE,
      origin: ERP,
      nip: NIP,
      environment: 'TEST',
    });
    // The old log is kept as it was; its blocked rows are found by the new index.
    expect(await db.activity.count()).toBe(rows.length);
    expect(
      await db.activity.where('[origin+event+code]').equals([ERP, 'blocked', 'HANDOFF_BUSY']).count(),
    ).toBe(10);
    db.close();
  });
});

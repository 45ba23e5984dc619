import { describe, expect, it } from 'vitest';
import { expireHandoffs } from '../../../extension/handoff/expire-handoffs.ts';
import { osLocked, tabRemoved, walletGone, windowClosed } from '../../../extension/handoff/wallet-events.ts';
import {
  accessToken,
  createBackground,
  ERP,
  HOUR,
  MINUTE,
  NIP,
  NIP2,
  PWA_ORIGIN,
  sessionFor,
} from './handoff-fixture.ts';

const click = { nip: NIP, environment: 'TEST' as const, wantRefresh: false, trigger: 'button' as const };
const TAB = 7;

async function setup() {
  const bg = createBackground();
  await bg.enableSite();
  bg.openDocument(TAB);
  return bg;
}

/** First hand-off through a wallet window, approved there with `grant`. */
async function approveOnce(
  bg: ReturnType<typeof createBackground>,
  grant: 'access-only' | 'with-refresh' = 'access-only',
) {
  const req = await bg.send('handoff.request', click, bg.contentScript(TAB));
  if (!req.ok) throw new Error(req.error.code);
  const done = await bg.send(
    'handoff.complete',
    {
      handoffId: req.value.handoffId,
      outcome: 'session',
      session: sessionFor(NIP, bg.clock.now),
      decision: { grant, credentialsConfirmed: false },
    },
    bg.pwa(),
  );
  if (!done.ok || !done.value.delivered) throw new Error('not delivered');
  return req.value.handoffId;
}

const deliveries = (bg: ReturnType<typeof createBackground>) =>
  bg.sent.filter((s) => s.message.kind === 'cs.deliver');
const failures = (bg: ReturnType<typeof createBackground>) =>
  bg.sent.filter((s) => s.message.kind === 'cs.failed').map((s) => (s.message as { code: string }).code);

describe('who may ask for a hand-off', () => {
  it('opens a wallet window for a first click on an enabled site, with only the request id in its URL', async () => {
    const bg = await setup();
    const reply = await bg.send('handoff.request', click, bg.contentScript(TAB));
    expect(reply).toMatchObject({ ok: true, value: { stage: 'window' } });
    if (!reply.ok) return;
    expect(bg.windows).toEqual([
      { id: 100, url: `${PWA_ORIGIN}/#/handoff/${reply.value.handoffId}`, open: true },
    ]);
    const pending = await bg.db.pendingHandoffs.get(reply.value.handoffId);
    expect(pending).toMatchObject({
      origin: ERP,
      tabId: TAB,
      documentId: bg.documents.get(TAB)!.documentId,
      stage: 'window',
    });
  });

  it.each([
    ['the wallet', () => ({ kind: 'pwa', origin: PWA_ORIGIN, tabId: 1 }) as const, 'NOT_ALLOWED'],
    [
      'the popup',
      () => ({ kind: 'extension-page', url: 'chrome-extension://x/popup.html' }) as const,
      'NOT_ALLOWED',
    ],
    [
      'an unknown sender',
      () => ({ kind: 'untrusted', reason: 'another extension' }) as const,
      'SENDER_REJECTED',
    ],
  ])('refuses a hand-off request from %s', async (_label, from, code) => {
    const bg = await setup();
    expect(await bg.send('handoff.request', click, from())).toMatchObject({ ok: false, error: { code } });
    expect(bg.windows).toHaveLength(0);
  });

  it('refuses a content script without a document id, and one in a sub-frame', async () => {
    const bg = await setup();
    const { documentId: _d, ...noDocument } = bg.contentScript(TAB) as {
      kind: 'content-script';
      documentId: string;
    };
    expect(await bg.send('handoff.request', click, noDocument as never)).toMatchObject({
      ok: false,
      error: { code: 'SENDER_REJECTED' },
    });
    expect(
      await bg.send('handoff.request', click, { ...bg.contentScript(TAB), frameId: 2 } as never),
    ).toMatchObject({
      ok: false,
      error: { code: 'SENDER_REJECTED' },
    });
    expect(bg.windows).toHaveLength(0);
  });

  it('gives a site that was not enabled nothing', async () => {
    const bg = await setup();
    bg.openDocument(8, 'https://other.example');
    expect(await bg.send('handoff.request', click, bg.contentScript(8))).toMatchObject({
      ok: false,
      error: { code: 'SITE_NOT_ENABLED' },
    });
    expect(bg.windows).toHaveLength(0);
    expect(await bg.db.activity.count()).toBe(0);
  });

  it('lets an ERP content script send nothing but handoff.request', async () => {
    const bg = await setup();
    const cs = bg.contentScript(TAB);
    const attempts = [
      bg.send('handoff.complete', { handoffId: 'AAAAAAAAAAAAAAAAAAAAAA', outcome: 'cancelled' }, cs),
      bg.send('approvals.list', {}, cs),
      bg.send('approvals.revoke', { origin: ERP, nip: NIP, environment: 'TEST' }, cs),
      bg.send('wallet.state', { locked: false, unlockedUntil: bg.clock.now + HOUR }, cs),
      bg.send('wallet.snapshot', { snapshot: { v: 1, publishedAt: 0, companies: [] } }, cs),
      bg.send('erp.enable', { origin: 'https://other.example' }, cs),
      bg.send('popup.login', { tabId: TAB, nip: NIP, environment: 'TEST' }, cs),
      bg.send('activity.list', {}, cs),
    ];
    for (const reply of await Promise.all(attempts))
      expect(reply).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED' } });
  });
});

describe('first hand-off: approval in the wallet window', () => {
  it('delivers the session to the exact document, remembers the approval and the reference number, and stores no token', async () => {
    const bg = await setup();
    const req = await bg.send('handoff.request', click, bg.contentScript(TAB));
    if (!req.ok) throw new Error(req.error.code);
    const view = await bg.send('handoff.get', { handoffId: req.value.handoffId }, bg.pwa());
    expect(view).toMatchObject({
      ok: true,
      value: { origin: ERP, nip: NIP, environment: 'TEST', approval: null, wantRefresh: false },
    });

    const session = sessionFor(NIP, bg.clock.now, {
      accessToken: accessToken(['InvoiceRead'], 'unique-token-marker'),
    });
    const done = await bg.send(
      'handoff.complete',
      {
        handoffId: req.value.handoffId,
        outcome: 'session',
        session,
        decision: { grant: 'access-only', credentialsConfirmed: false },
      },
      bg.pwa(),
    );
    expect(done).toMatchObject({ ok: true, value: { delivered: true } });
    const [delivery] = deliveries(bg);
    expect(delivery).toMatchObject({ tabId: TAB, documentId: bg.documents.get(TAB)!.documentId });
    expect((delivery!.message as { session: unknown }).session).toEqual({
      environment: 'TEST',
      nip: NIP,
      referenceNumber: session.referenceNumber,
      accessToken: session.accessToken,
      accessTokenValidUntil: session.accessTokenValidUntil,
    });
    expect(await bg.db.approvals.get([ERP, NIP, 'TEST'])).toMatchObject({
      grant: 'access-only',
      credentialsConfirmed: false,
    });
    expect(await bg.db.handedSessions.get(session.referenceNumber)).toMatchObject({
      origin: ERP,
      withRefresh: false,
      revocation: 'none',
    });
    expect(bg.windows[0]!.open).toBe(false);
    expect(await bg.db.pendingHandoffs.count()).toBe(0);
    const stored = await bg.dump();
    expect(stored).not.toContain('unique-token-marker');
    expect(stored).not.toContain(session.accessToken.split('.')[1]!);
    expect((await bg.db.activity.toArray()).map((a) => a.event)).toEqual([
      'requested',
      'window-opened',
      'approved',
      'delivered',
    ]);
  });

  it('delivers nothing when the tab navigated between the click and the answer', async () => {
    const bg = await setup();
    const req = await bg.send('handoff.request', click, bg.contentScript(TAB));
    if (!req.ok) throw new Error(req.error.code);
    bg.openDocument(TAB); // same tab, same origin, a new document
    const session = sessionFor(NIP, bg.clock.now);
    const done = await bg.send(
      'handoff.complete',
      {
        handoffId: req.value.handoffId,
        outcome: 'session',
        session,
        decision: { grant: 'access-only', credentialsConfirmed: false },
      },
      bg.pwa(),
    );
    expect(done).toMatchObject({ ok: true, value: { delivered: false } });
    expect(deliveries(bg)).toHaveLength(1);
    expect(deliveries(bg)[0]!.documentId).not.toBe(bg.documents.get(TAB)!.documentId);
    expect(await bg.db.handedSessions.count()).toBe(0);
    expect((await bg.db.activity.toArray()).at(-1)).toMatchObject({
      event: 'not-delivered',
      referenceNumber: session.referenceNumber,
    });
  });

  it('records a refusal and keeps the origin quiet for 24 hours, except for the popup', async () => {
    const bg = await setup();
    const req = await bg.send('handoff.request', click, bg.contentScript(TAB));
    if (!req.ok) throw new Error(req.error.code);
    expect(
      await bg.send('handoff.complete', { handoffId: req.value.handoffId, outcome: 'refused' }, bg.pwa()),
    ).toMatchObject({
      ok: true,
      value: { delivered: false },
    });
    expect(failures(bg)).toEqual(['refused']);

    bg.clock.now += 23 * HOUR;
    const again = await bg.send('handoff.request', click, bg.contentScript(TAB));
    expect(again).toMatchObject({ ok: false, error: { code: 'HANDOFF_REFUSED' } });
    if (!again.ok) expect(again.error.retryAfterMs).toBe(HOUR);
    expect(bg.windows).toHaveLength(1);

    const list = await bg.send('approvals.list', {}, bg.pwa());
    expect(list).toMatchObject({
      ok: true,
      value: { refusals: [{ origin: ERP, nip: NIP, environment: 'TEST' }] },
    });

    bg.clock.now += HOUR;
    expect(await bg.send('handoff.request', click, bg.contentScript(TAB))).toMatchObject({
      ok: true,
      value: { stage: 'window' },
    });
  });

  it('quiets the whole origin when the user refused before choosing a company', async () => {
    const bg = await setup();
    const req = await bg.send(
      'handoff.request',
      { wantRefresh: false, trigger: 'button' },
      bg.contentScript(TAB),
    );
    if (!req.ok) throw new Error(req.error.code);
    await bg.send('handoff.complete', { handoffId: req.value.handoffId, outcome: 'refused' }, bg.pwa());
    expect(await bg.send('handoff.request', { ...click, nip: NIP2 }, bg.contentScript(TAB))).toMatchObject({
      ok: false,
      error: { code: 'HANDOFF_REFUSED' },
    });
    expect(await bg.send('refusals.clear', { origin: ERP }, bg.pwa())).toMatchObject({
      ok: true,
      value: { cleared: 1 },
    });
    expect(await bg.send('handoff.request', { ...click, nip: NIP2 }, bg.contentScript(TAB))).toMatchObject({
      ok: true,
    });
  });

  it('lets the wallet fill in the company when the page named none, but not change a named one', async () => {
    const bg = await setup();
    const anyCompany = await bg.send(
      'handoff.request',
      { wantRefresh: false, trigger: 'button' },
      bg.contentScript(TAB),
    );
    if (!anyCompany.ok) throw new Error(anyCompany.error.code);
    const chosen = await bg.send(
      'handoff.complete',
      {
        handoffId: anyCompany.value.handoffId,
        outcome: 'session',
        session: sessionFor(NIP2, bg.clock.now),
        decision: { grant: 'access-only', credentialsConfirmed: false },
      },
      bg.pwa(),
    );
    expect(chosen).toMatchObject({ ok: true, value: { delivered: true } });

    bg.clock.now += MINUTE;
    const named = await bg.send('handoff.request', click, bg.contentScript(TAB));
    if (!named.ok) throw new Error(named.error.code);
    const other = await bg.send(
      'handoff.complete',
      {
        handoffId: named.value.handoffId,
        outcome: 'session',
        session: sessionFor(NIP2, bg.clock.now),
        decision: { grant: 'access-only', credentialsConfirmed: false },
      },
      bg.pwa(),
    );
    expect(other).toMatchObject({ ok: false, error: { code: 'BAD_PARAMS' } });
    expect(failures(bg)).toEqual(['wallet-error']);
  });

  it('ends the request as cancelled when the user closes the wallet window', async () => {
    const bg = await setup();
    const req = await bg.send('handoff.request', click, bg.contentScript(TAB));
    if (!req.ok) throw new Error(req.error.code);
    await windowClosed(bg.ctx, bg.windows[0]!.id);
    expect(failures(bg)).toEqual(['cancelled']);
    expect(await bg.db.pendingHandoffs.count()).toBe(0);
    expect(await bg.send('handoff.get', { handoffId: req.value.handoffId }, bg.pwa())).toMatchObject({
      ok: false,
      error: { code: 'HANDOFF_NOT_FOUND' },
    });
  });

  it('times out a request nobody answers, tells the page and the wallet', async () => {
    const bg = await setup();
    bg.connectWallet();
    const req = await bg.send('handoff.request', click, bg.contentScript(TAB));
    if (!req.ok) throw new Error(req.error.code);
    bg.clock.now += 5 * MINUTE;
    expect(await expireHandoffs(bg.ctx)).toBe(1);
    expect(failures(bg)).toEqual(['timeout']);
    expect(bg.windows[0]!.open).toBe(false);
    expect(bg.pushes.map((p) => (p.message as { push: string }).push)).toEqual(['handoff.cancelled']);
  });

  it('ends the requests of a tab that closed', async () => {
    const bg = await setup();
    await bg.send('handoff.request', click, bg.contentScript(TAB));
    await tabRemoved(bg.ctx, TAB);
    expect(await bg.db.pendingHandoffs.count()).toBe(0);
  });
});

describe('later hand-offs: one click', () => {
  it('asks an unlocked wallet window to mint silently, and delivers without a window', async () => {
    const bg = await setup();
    await approveOnce(bg);
    bg.connectWallet(50);
    bg.clock.now += MINUTE;
    const req = await bg.send('handoff.request', click, bg.contentScript(TAB));
    expect(req).toMatchObject({ ok: true, value: { stage: 'wallet' } });
    if (!req.ok) return;
    expect(bg.windows).toHaveLength(1);
    expect(bg.pushes).toHaveLength(1);
    expect(bg.pushes[0]).toMatchObject({
      tabId: 50,
      message: {
        protocol: 'ksef-wallet',
        push: 'handoff.mint',
        payload: {
          handoffId: req.value.handoffId,
          origin: ERP,
          nip: NIP,
          environment: 'TEST',
          grant: 'access-only',
        },
      },
    });
    const done = await bg.send(
      'handoff.complete',
      { handoffId: req.value.handoffId, outcome: 'session', session: sessionFor(NIP, bg.clock.now) },
      bg.pwa(),
    );
    expect(done).toMatchObject({ ok: true, value: { delivered: true } });
    expect(deliveries(bg)).toHaveLength(2);
  });

  it('opens a wallet window when the vault is locked, or when the wallet says it needs the user', async () => {
    const bg = await setup();
    await approveOnce(bg);
    bg.clock.now += MINUTE;
    const locked = await bg.send('handoff.request', click, bg.contentScript(TAB));
    expect(locked).toMatchObject({ ok: true, value: { stage: 'window' } });
    if (locked.ok)
      await bg.send(
        'handoff.complete',
        { handoffId: locked.value.handoffId, outcome: 'cancelled' },
        bg.pwa(),
      );

    bg.connectWallet(50);
    bg.clock.now += MINUTE;
    const silent = await bg.send('handoff.request', click, bg.contentScript(TAB));
    if (!silent.ok) throw new Error(silent.error.code);
    await bg.send('handoff.complete', { handoffId: silent.value.handoffId, outcome: 'needs-user' }, bg.pwa());
    expect(bg.windows.at(-1)).toMatchObject({
      url: `${PWA_ORIGIN}/#/handoff/${silent.value.handoffId}`,
      open: true,
    });
    expect(bg.sent.at(-1)!.message).toMatchObject({ kind: 'cs.progress', state: 'waiting-for-user' });
  });

  it('moves a silent request to a wallet window when the asked wallet goes away, with the full 5 minutes', async () => {
    const bg = await setup();
    await approveOnce(bg);
    bg.connectWallet(50);
    bg.clock.now += MINUTE;
    const req = await bg.send('handoff.request', click, bg.contentScript(TAB));
    expect(req).toMatchObject({ ok: true, value: { stage: 'wallet' } });
    if (!req.ok) return;
    bg.clock.now += 80_000; // 10 s before the silent request would time out
    await walletGone(bg.ctx, 50);
    expect(bg.windows.at(-1)).toMatchObject({
      url: `${PWA_ORIGIN}/#/handoff/${req.value.handoffId}`,
      open: true,
    });
    expect(await bg.db.pendingHandoffs.get(req.value.handoffId)).toMatchObject({
      stage: 'window',
      expiresAt: bg.clock.now + 5 * MINUTE,
    });
  });

  it('treats the wallet as locked after the OS screen lock', async () => {
    const bg = await setup();
    await approveOnce(bg);
    bg.connectWallet(50);
    osLocked(bg.ctx);
    expect(bg.pushes.map((p) => (p.message as { push: string }).push)).toContain('os.locked');
    expect(bg.lockSummaries.at(-1)).toEqual({ locked: true, unlockedUntil: null });
    bg.clock.now += MINUTE;
    expect(await bg.send('handoff.request', click, bg.contentScript(TAB))).toMatchObject({
      ok: true,
      value: { stage: 'window' },
    });
  });

  it('refuses a new decision outside a wallet window', async () => {
    const bg = await setup();
    await approveOnce(bg);
    bg.connectWallet(50);
    bg.clock.now += MINUTE;
    const req = await bg.send('handoff.request', click, bg.contentScript(TAB));
    if (!req.ok) throw new Error(req.error.code);
    const done = await bg.send(
      'handoff.complete',
      {
        handoffId: req.value.handoffId,
        outcome: 'session',
        session: sessionFor(NIP, bg.clock.now, { permissions: ['CredentialsManage'] }),
        decision: { grant: 'with-refresh', credentialsConfirmed: true },
      },
      bg.pwa(),
    );
    expect(done).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED' } });
    expect(await bg.db.approvals.get([ERP, NIP, 'TEST'])).toMatchObject({
      grant: 'access-only',
      credentialsConfirmed: false,
    });
  });
});

describe('what a session must satisfy (T7)', () => {
  async function answer(
    bg: ReturnType<typeof createBackground>,
    session: ReturnType<typeof sessionFor>,
    decision: { grant: 'access-only' | 'with-refresh'; credentialsConfirmed: boolean },
    wantRefresh = false,
  ) {
    const req = await bg.send('handoff.request', { ...click, wantRefresh }, bg.contentScript(TAB));
    if (!req.ok) throw new Error(req.error.code);
    return bg.send(
      'handoff.complete',
      { handoffId: req.value.handoffId, outcome: 'session', session, decision },
      bg.pwa(),
    );
  }
  const withRefresh = (bg: ReturnType<typeof createBackground>) =>
    sessionFor(NIP, bg.clock.now, {
      refreshToken: accessToken([], 'refresh'),
      refreshTokenValidUntil: new Date(bg.clock.now + 7 * 24 * HOUR).toISOString(),
    });

  it('passes a refresh token on only where approved and asked for', async () => {
    const bg = await setup();
    bg.connectWallet(50, 10 * HOUR);
    expect(
      await answer(bg, withRefresh(bg), { grant: 'access-only', credentialsConfirmed: false }, true),
    ).toMatchObject({
      ok: false,
      error: { code: 'NOT_ALLOWED' },
    });
    expect(
      await answer(bg, withRefresh(bg), { grant: 'with-refresh', credentialsConfirmed: false }, false),
    ).toMatchObject({
      ok: false,
      error: { code: 'NOT_ALLOWED' },
    });
    expect(deliveries(bg)).toHaveLength(0);
    expect(
      await answer(bg, withRefresh(bg), { grant: 'with-refresh', credentialsConfirmed: false }, true),
    ).toMatchObject({
      ok: true,
      value: { delivered: true },
    });
    expect(
      (deliveries(bg)[0]!.message as { session: { refreshToken?: string } }).session.refreshToken,
    ).toBeDefined();
  });

  it('refuses a session that can manage credentials without the extra confirmation, even if the wallet does not declare it', async () => {
    const bg = await setup();
    const declared = sessionFor(NIP, bg.clock.now, { permissions: ['InvoiceRead', 'CredentialsManage'] });
    expect(await answer(bg, declared, { grant: 'access-only', credentialsConfirmed: false })).toMatchObject({
      ok: false,
      error: { code: 'NEEDS_CONFIRMATION' },
    });
    const hidden = sessionFor(NIP, bg.clock.now, {
      accessToken: accessToken(['InvoiceRead', 'SubunitManage']),
    });
    expect(await answer(bg, hidden, { grant: 'access-only', credentialsConfirmed: false })).toMatchObject({
      ok: false,
      error: { code: 'NEEDS_CONFIRMATION' },
    });
    expect(failures(bg)).toEqual(['permissions-not-allowed', 'permissions-not-allowed']);
    expect(await answer(bg, declared, { grant: 'access-only', credentialsConfirmed: true })).toMatchObject({
      ok: true,
      value: { delivered: true },
    });
  });

  it('hands out a refresh token only while the vault is unlocked', async () => {
    const bg = await setup();
    expect(
      await answer(bg, withRefresh(bg), { grant: 'with-refresh', credentialsConfirmed: false }, true),
    ).toMatchObject({ ok: false, error: { code: 'VAULT_LOCKED' } });
    expect(deliveries(bg)).toHaveLength(0);
  });

  it('never hands off a session with less than 5 minutes left', async () => {
    const bg = await setup();
    const short = sessionFor(NIP, bg.clock.now, {
      accessTokenValidUntil: new Date(bg.clock.now + 4 * MINUTE).toISOString(),
    });
    expect(await answer(bg, short, { grant: 'access-only', credentialsConfirmed: false })).toMatchObject({
      ok: false,
      error: { code: 'SESSION_TOO_SHORT' },
    });
    expect(await bg.db.approvals.count()).toBe(0);
  });

  it('refuses a session without an approval or a decision', async () => {
    const bg = await setup();
    const req = await bg.send('handoff.request', click, bg.contentScript(TAB));
    if (!req.ok) throw new Error(req.error.code);
    expect(
      await bg.send(
        'handoff.complete',
        { handoffId: req.value.handoffId, outcome: 'session', session: sessionFor(NIP, bg.clock.now) },
        bg.pwa(),
      ),
    ).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED' } });
    expect(failures(bg)).toEqual(['not-approved']);
  });
});

describe('budgets', () => {
  it('allows one hand-off in flight per origin', async () => {
    const bg = await setup();
    await bg.send('handoff.request', click, bg.contentScript(TAB));
    bg.openDocument(9);
    expect(await bg.send('handoff.request', click, bg.contentScript(9))).toMatchObject({
      ok: false,
      error: { code: 'HANDOFF_BUSY' },
    });
    expect(bg.windows).toHaveLength(1);
  });

  it('allows 10 sessions per origin per hour, then says when to retry', async () => {
    const bg = await setup();
    bg.connectWallet(50, 10 * HOUR);
    await approveOnce(bg);
    for (let i = 1; i < 10; i++) {
      bg.clock.now += MINUTE;
      const req = await bg.send('handoff.request', click, bg.contentScript(TAB));
      if (!req.ok) throw new Error(`${i}: ${req.error.code}`);
      await bg.send(
        'handoff.complete',
        { handoffId: req.value.handoffId, outcome: 'session', session: sessionFor(NIP, bg.clock.now) },
        bg.pwa(),
      );
    }
    bg.clock.now += MINUTE;
    const eleventh = await bg.send('handoff.request', click, bg.contentScript(TAB));
    expect(eleventh).toMatchObject({ ok: false, error: { code: 'HANDOFF_BUDGET' } });
    if (!eleventh.ok) expect(eleventh.error.retryAfterMs).toBe(50 * MINUTE);
    expect(deliveries(bg)).toHaveLength(10);
    bg.clock.now += 50 * MINUTE;
    expect(await bg.send('handoff.request', click, bg.contentScript(TAB))).toMatchObject({ ok: true });
  });
});

describe('revoking an approval', () => {
  it('ends the sessions handed under it and gives the wallet their reference numbers to revoke at KSeF', async () => {
    const bg = await setup();
    await approveOnce(bg);
    const [handed] = await bg.db.handedSessions.toArray();
    const revoked = await bg.send(
      'approvals.revoke',
      { origin: ERP, nip: NIP, environment: 'TEST' },
      bg.pwa(),
    );
    expect(revoked).toMatchObject({
      ok: true,
      value: { sessions: [{ referenceNumber: handed!.referenceNumber, revocation: 'pending' }] },
    });
    expect(bg.sent.at(-1)).toMatchObject({
      tabId: TAB,
      documentId: handed!.documentId,
      message: { kind: 'cs.ended', referenceNumber: handed!.referenceNumber, reason: 'revoked' },
    });
    expect(await bg.db.approvals.count()).toBe(0);

    const refresh = await bg.send(
      'handoff.notify',
      {
        referenceNumber: handed!.referenceNumber,
        notice: 'refreshed',
        accessToken: accessToken(),
        accessTokenValidUntil: new Date(bg.clock.now + 15 * MINUTE).toISOString(),
      },
      bg.pwa(),
    );
    expect(refresh).toMatchObject({ ok: true, value: { delivered: false, stopRefreshing: true } });

    expect(await bg.send('approvals.list', {}, bg.pwa())).toMatchObject({
      ok: true,
      value: { approvals: [], pendingRevocations: [{ referenceNumber: handed!.referenceNumber }] },
    });
    expect(
      await bg.send('sessions.revoked', { referenceNumbers: [handed!.referenceNumber] }, bg.pwa()),
    ).toMatchObject({ ok: true, value: { updated: 1 } });
    expect(await bg.send('approvals.list', {}, bg.pwa())).toMatchObject({
      ok: true,
      value: { pendingRevocations: [] },
    });

    // The next click asks again.
    bg.clock.now += MINUTE;
    expect(await bg.send('handoff.request', click, bg.contentScript(TAB))).toMatchObject({
      ok: true,
      value: { stage: 'window' },
    });
  });
});

describe('session notices', () => {
  it('passes a refreshed access token to the open document within 10 hours, and not after', async () => {
    const bg = await setup();
    await approveOnce(bg);
    bg.connectWallet(50, 11 * HOUR);
    const [handed] = await bg.db.handedSessions.toArray();
    const notice = () => ({
      referenceNumber: handed!.referenceNumber,
      notice: 'refreshed' as const,
      accessToken: accessToken(['InvoiceRead'], `r${bg.clock.now}`),
      accessTokenValidUntil: new Date(bg.clock.now + 15 * MINUTE).toISOString(),
    });
    bg.clock.now += 12 * MINUTE;
    expect(await bg.send('handoff.notify', notice(), bg.pwa())).toMatchObject({
      ok: true,
      value: { delivered: true, stopRefreshing: false },
    });
    expect(bg.sent.at(-1)).toMatchObject({
      documentId: handed!.documentId,
      message: { kind: 'cs.refreshed' },
    });

    bg.clock.now = handed!.handedAt + 10 * HOUR;
    expect(await bg.send('handoff.notify', notice(), bg.pwa())).toMatchObject({
      ok: true,
      value: { delivered: false, stopRefreshing: true },
    });
    expect(await bg.send('approvals.list', {}, bg.pwa())).toMatchObject({
      ok: true,
      value: { pendingRevocations: [{ referenceNumber: handed!.referenceNumber }] },
    });
  });

  it('stops refreshes once the wallet is locked', async () => {
    const bg = await setup();
    await approveOnce(bg);
    bg.connectWallet(50, HOUR);
    const [handed] = await bg.db.handedSessions.toArray();
    osLocked(bg.ctx);
    const reply = await bg.send(
      'handoff.notify',
      {
        referenceNumber: handed!.referenceNumber,
        notice: 'refreshed',
        accessToken: accessToken(),
        accessTokenValidUntil: new Date(bg.clock.now + 15 * MINUTE).toISOString(),
      },
      bg.pwa(),
    );
    expect(reply).toMatchObject({ ok: true, value: { delivered: false, stopRefreshing: true } });
    expect(bg.sent.filter((x) => x.message.kind === 'cs.refreshed')).toHaveLength(0);
  });

  it('stops refreshes for a document that is gone', async () => {
    const bg = await setup();
    await approveOnce(bg);
    bg.connectWallet(50, HOUR);
    const [handed] = await bg.db.handedSessions.toArray();
    bg.openDocument(TAB);
    const reply = await bg.send(
      'handoff.notify',
      {
        referenceNumber: handed!.referenceNumber,
        notice: 'refreshed',
        accessToken: accessToken(),
        accessTokenValidUntil: new Date(bg.clock.now + 15 * MINUTE).toISOString(),
      },
      bg.pwa(),
    );
    expect(reply).toMatchObject({ ok: true, value: { delivered: false, stopRefreshing: true } });
  });
});

describe('popup one-click login', () => {
  it('reaches the page through a one-time intent the content script echoes', async () => {
    const bg = await setup();
    const started = await bg.send('popup.login', { tabId: TAB, nip: NIP, environment: 'TEST' }, bg.popup);
    expect(started).toMatchObject({ ok: true, value: { pageReady: true } });
    const intent = bg.sent.at(-1)!.message as { kind: string; intentId: string };
    expect(intent).toMatchObject({ kind: 'cs.popup-login', nip: NIP, environment: 'TEST' });
    const req = await bg.send(
      'handoff.request',
      { wantRefresh: false, trigger: 'popup', intentId: intent.intentId, nip: NIP2, environment: 'DEMO' },
      bg.contentScript(TAB),
    );
    expect(req).toMatchObject({ ok: true });
    // The company is the popup's choice, not the page's.
    expect(await bg.db.pendingHandoffs.toArray()).toMatchObject([
      { nip: NIP, environment: 'TEST', trigger: 'popup' },
    ]);
  });

  it('refuses a popup trigger without an intent, with a used one, or from another tab', async () => {
    const bg = await setup();
    bg.openDocument(9);
    await bg.send('popup.login', { tabId: TAB, nip: NIP, environment: 'TEST' }, bg.popup);
    const intent = bg.sent.at(-1)!.message as { intentId: string };
    const popupClick = { wantRefresh: false, trigger: 'popup' as const, intentId: intent.intentId };
    expect(await bg.send('handoff.request', popupClick, bg.contentScript(9))).toMatchObject({
      ok: false,
      error: { code: 'NOT_ALLOWED' },
    });
    expect(await bg.send('handoff.request', popupClick, bg.contentScript(TAB))).toMatchObject({
      ok: false,
      error: { code: 'NOT_ALLOWED' },
    });
    expect(
      await bg.send('handoff.request', { wantRefresh: false, trigger: 'popup' }, bg.contentScript(TAB)),
    ).toMatchObject({
      ok: false,
      error: { code: 'NOT_ALLOWED' },
    });
  });

  it('does not start on a site that is not enabled', async () => {
    const bg = await setup();
    bg.openDocument(9, 'https://other.example');
    expect(await bg.send('popup.login', { tabId: 9, nip: NIP, environment: 'TEST' }, bg.popup)).toMatchObject(
      {
        ok: false,
        error: { code: 'SITE_NOT_ENABLED' },
      },
    );
  });
});

describe('wallet state and snapshot', () => {
  it('keeps only lock state and expiry, per wallet tab', async () => {
    const bg = await setup();
    expect(
      await bg.send('wallet.state', { locked: false, unlockedUntil: bg.clock.now + 10 * MINUTE }, bg.pwa(50)),
    ).toMatchObject({ ok: true });
    expect(bg.lockSummaries.at(-1)).toEqual({ locked: false, unlockedUntil: bg.clock.now + 10 * MINUTE });
    expect(await bg.send('wallet.state', { locked: true }, bg.pwa(50))).toMatchObject({ ok: true });
    expect(bg.lockSummaries.at(-1)).toEqual({ locked: true, unlockedUntil: null });
    expect(
      await bg.send('wallet.state', { locked: true }, { kind: 'pwa', origin: PWA_ORIGIN }),
    ).toMatchObject({
      ok: false,
      error: { code: 'SENDER_REJECTED' },
    });
  });

  it('stores the published snapshot in the extension database', async () => {
    const bg = await setup();
    const snapshot = {
      v: 1 as const,
      publishedAt: bg.clock.now,
      companies: [{ nip: NIP, name: 'Firma', environment: 'TEST' as const, credentials: [] }],
    };
    expect(await bg.send('wallet.snapshot', { snapshot }, bg.pwa())).toMatchObject({
      ok: true,
      value: { storedAt: bg.clock.now },
    });
    expect(await bg.db.snapshot.get('current')).toMatchObject({ snapshot });
  });
});

/**
 * The wallet's side of the session hand-off, end to end in one Node process: the real extension
 * background (router, hand-off use cases, Dexie on fake-indexeddb), the real vault and the key
 * worker's real flows (VaultService + flow service, tests/unit/pwa/wallet-harness.ts) logging in to
 * a real sandbox over HTTP, and the wallet's hand-off code — the window that unlocks and approves,
 * the silent mint over the Port, revocation, the sweep and refreshes for ERP pages. Only the
 * browser between them is replaced (tests/unit/pwa/handoff-harness.ts); what KSeF did is read from
 * the sandbox's own request log and by using the tokens against it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { osLocked } from '../../../extension/handoff/wallet-events.ts';
import { createEndedSessions } from '../../../pwa/features/handoff/ended-sessions.ts';
import { createHandedSessionRefresher } from '../../../pwa/features/handoff/handed-session-refresher.ts';
import { mergeHandoffActivity } from '../../../pwa/features/handoff/handoff-activity.ts';
import { createHandoffBridge, type HandoffBridge } from '../../../pwa/features/handoff/handoff-bridge.ts';
import { createHandoffVault, type HandoffVault } from '../../../pwa/features/handoff/handoff-vault.ts';
import { HandoffWindow, type WindowView } from '../../../pwa/features/handoff/handoff-window.ts';
import { revokeApproval } from '../../../pwa/features/handoff/revoke-approval.ts';
import { sweepHandedSessions } from '../../../pwa/features/handoff/sweep-handed-sessions.ts';
import { createHandoffFlowRunner } from '../../../pwa/flows/handoff-flows.ts';
import { createWalletPort } from '../../../pwa/platform/wallet-port.ts';
import type { TokenPermission } from '../../../pwa/vault/records.ts';
import type { CompanyView } from '../../../pwa/vault/vault-api.ts';
import type { Transport } from '../../../shared/platform.ts';
import type { PageSession } from '../../../shared/protocol/erp-page-protocol.ts';
import { fail } from '../../../shared/result.ts';
import { ENV, randomNip } from '../../integration/client/sandbox-fixture.ts';
import { createBackground, ERP } from '../extension/handoff-fixture.ts';
import { settle, walletWindow } from './handoff-harness.ts';
import { must, openWalletHarness, PASSPHRASE, type WalletHarness } from './wallet-harness.ts';

const TAB = 7;
const WALLET_TAB = 50;
const MINUTE = 60_000;

let h: WalletHarness;
beforeAll(async () => {
  h = await openWalletHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

const bridges: HandoffBridge[] = [];
afterEach(() => {
  for (const b of bridges.splice(0)) b.stop();
});

const randomId = () =>
  Array.from(globalThis.crypto.getRandomValues(new Uint8Array(16)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');

/** A background whose clock is real time (the sandbox's), plus `shift` for the 10 h cap. */
async function setup(options: { offline?: () => boolean } = {}) {
  const bg = createBackground();
  const time = { shift: 0 };
  Object.defineProperty(bg.clock, 'now', { get: () => Date.now() + time.shift, configurable: true });
  await bg.enableSite();
  bg.openDocument(TAB);
  const win = walletWindow(bg, WALLET_TAB);
  // The relay to KSeF: the sandbox, or nothing at all while "offline".
  const transport: Transport = {
    send: (req, signal) =>
      options.offline?.()
        ? Promise.resolve(fail('NETWORK', { detail: 'offline' }))
        : h.sandbox.transport.send(req, signal),
  };
  const runner = createHandoffFlowRunner(h.service);
  const link = { transport, progress: () => {} };
  const vault: HandoffVault = createHandoffVault(
    {
      status: () => h.wallet.vault.status(),
      unlock: (p) => h.wallet.vault.unlock(p),
      lock: (r) => h.wallet.vault.lock(r),
      listCompanies: () => h.wallet.vault.listCompanies(),
      listCertificates: (id) => h.wallet.vault.listCertificates(id),
      listTokens: (id) => h.wallet.vault.listTokens(id),
      listSessions: (id) => h.wallet.vault.listSessions(id),
    },
    (method, params) => runner.run(method, params, link),
  );
  return { bg, time, win, vault };
}
type Setup = Awaited<ReturnType<typeof setup>>;

/** A company on the sandbox whose default credential is a KSeF token with these permissions. */
async function companyWithToken(
  permissions: TokenPermission[] = ['InvoiceRead', 'InvoiceWrite'],
  nip = randomNip(),
): Promise<CompanyView> {
  const company = await h.company(nip);
  must(await h.wallet.flows.call('loginWithTestCertificate', { companyId: company.id }), 'test login');
  await setDefaultToken(company, permissions);
  return company;
}

async function setDefaultToken(company: CompanyView, permissions: TokenPermission[]) {
  const g = must(
    await h.wallet.flows.call('generateToken', {
      companyId: company.id,
      description: `ERP ${permissions.join(' ')}`,
      permissions,
      ...(permissions.some((p) => p.startsWith('Credentials')) ? { passphrase: PASSPHRASE } : {}),
    }),
    'generate token',
  );
  must(await h.wallet.flows.call('awaitTokenActive', { tokenId: g.tokenId }), 'activate');
  must(await h.wallet.vault.setDefaultToken({ tokenId: g.tokenId }), 'default token');
}

async function click(t: Setup, company: CompanyView, wantRefresh = false) {
  const r = await t.bg.send(
    'handoff.request',
    { nip: company.nip, environment: company.environment, wantRefresh, trigger: 'button' },
    t.bg.contentScript(TAB),
  );
  if (!r.ok) throw new Error(`handoff.request: ${r.error.code}`);
  return r.value;
}

function openWindow(t: Setup, handoffId: string, bridge?: HandoffBridge) {
  const steps: WindowView['step'][] = [];
  const w = new HandoffWindow(
    {
      call: t.win.call,
      vault: t.vault,
      now: () => Date.now(),
      randomId,
      ...(bridge ? { reportState: () => bridge.reportState() } : {}),
    },
    handoffId,
  );
  w.subscribe((v) => steps.push(v.step));
  return { w, steps };
}

/** Sessions sent to the ERP tab (to one document of it, when named). */
const deliveries = (t: Setup, documentId?: string) =>
  t.bg.sent
    .filter(
      (s) => s.message.kind === 'cs.deliver' && (documentId === undefined || s.documentId === documentId),
    )
    .map((s) => (s.message as unknown as { session: PageSession }).session);
const pageErrors = (t: Setup) =>
  t.bg.sent
    .filter((s) => s.message.kind === 'cs.failed')
    .map((s) => (s.message as unknown as { code: string }).code);

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 10_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out: ${what}`);
}

/** The sessions KSeF lists for a token's context, with their status codes. */
async function ksefSessions(nip: string, accessToken: string) {
  return must(await h.sandbox.client(nip).sessions.listAll(accessToken), 'list sessions');
}

function startBridge(t: Setup) {
  const bridge = createHandoffBridge({
    vault: t.vault,
    call: t.win.call,
    createPort: (o) => createWalletPort({ ...o, runtime: t.win.runtime }),
    ended: createEndedSessions(null, Date.now),
    now: () => Date.now(),
    randomId,
    timers: {
      setTimeout: (fn, ms) => setTimeout(fn, ms),
      clearTimeout: (x) => clearTimeout(x as NodeJS.Timeout),
    },
    lockVault: (reason) => void h.wallet.vault.lock(reason),
  });
  bridges.push(bridge);
  bridge.start();
  return bridge;
}

async function ensureUnlocked() {
  // A new vault is created (and unlocked) by the first h.company(); a locked one is unlocked here.
  if ((await h.wallet.vault.status()).state === 'locked')
    must(await h.wallet.vault.unlock(PASSPHRASE), 'unlock');
}

describe('the wallet window (#/handoff/<id>)', () => {
  it('first hand-off: shows origin, company and the session’s permissions, approves “access token only” with the passphrase, and the page gets a fresh working session', async () => {
    await ensureUnlocked();
    const t = await setup();
    const company = await companyWithToken();
    const req = await click(t, company);
    expect(req.stage).toBe('window');
    const { w } = openWindow(t, req.handoffId);
    await w.start();
    const v = w.view;
    expect(v).toMatchObject({
      step: 'approve',
      request: { origin: ERP, nip: company.nip, environment: ENV, approval: null },
      company: { id: company.id },
      permissions: ['InvoiceRead', 'InvoiceWrite'],
      needsConfirmation: false,
    });

    // A wrong passphrase approves nothing and sends nothing.
    await w.approve({
      grant: 'access-only',
      passphrase: 'nie to hasło',
      credentialsConfirmed: false,
      erpAddresses: '',
    });
    expect(w.view).toMatchObject({ step: 'approve', error: 'wrong-passphrase' });
    expect(deliveries(t)).toEqual([]);

    await w.approve({
      grant: 'access-only',
      passphrase: PASSPHRASE,
      credentialsConfirmed: false,
      erpAddresses: '',
    });
    expect(w.view).toMatchObject({ step: 'done', outcome: 'delivered' });
    const [session] = deliveries(t);
    expect(session).toMatchObject({ nip: company.nip, environment: ENV });
    expect(session!.refreshToken).toBeUndefined();

    // The session is fresh and works at KSeF; the vault recorded it as handed to the origin.
    const listed = await ksefSessions(company.nip, session!.accessToken);
    expect(listed.find((s) => s.isCurrent)?.referenceNumber).toBe(session!.referenceNumber);
    const held = (await h.wallet.vault.listSessions(company.id)).find(
      (s) => s.referenceNumber === session!.referenceNumber,
    );
    expect(held).toMatchObject({ handedTo: ERP, state: 'active', method: 'ksef-token' });
    // Both records of the decision: the extension's and the vault's MAC'd one.
    const approvals = must(await t.win.call('approvals.list', {}), 'approvals.list');
    expect(approvals.approvals).toMatchObject([
      { origin: ERP, nip: company.nip, grant: 'access-only', credentialsConfirmed: false },
    ]);
    expect(
      must(await t.vault.handoffApproval({ origin: ERP, companyId: company.id }), 'approval'),
    ).toMatchObject({
      approved: true,
      allowRefresh: false,
    });
  });

  it('a second click with the vault unlocked mints silently over the Port: no window, no question', async () => {
    await ensureUnlocked();
    const t = await setup();
    const company = await companyWithToken();
    const first = await click(t, company);
    const { w } = openWindow(t, first.handoffId);
    await w.start();
    await w.approve({
      grant: 'access-only',
      passphrase: PASSPHRASE,
      credentialsConfirmed: false,
      erpAddresses: '',
    });
    expect(deliveries(t)).toHaveLength(1);

    startBridge(t);
    await until(
      'the Port reports the window unlocked',
      () => t.bg.ctx.wallets.pickUnlocked(t.bg.clock.now) !== null,
    );
    const windowsBefore = t.bg.windows.length;
    const second = await click(t, company);
    expect(second.stage).toBe('wallet');
    await until('the silent session is delivered', () => deliveries(t).length === 2);
    expect(t.bg.windows).toHaveLength(windowsBefore);
    const [a, b] = deliveries(t);
    expect(b!.referenceNumber).not.toBe(a!.referenceNumber); // a fresh login, never a reused session
  });

  it('with an approval but a locked vault, the window only unlocks, then hands off without asking again', async () => {
    await ensureUnlocked();
    const t = await setup();
    const company = await companyWithToken();
    const first = await click(t, company);
    const one = openWindow(t, first.handoffId);
    await one.w.start();
    await one.w.approve({
      grant: 'access-only',
      passphrase: PASSPHRASE,
      credentialsConfirmed: false,
      erpAddresses: '',
    });

    await h.wallet.vault.lock('user');
    const again = await click(t, company);
    expect(again.stage).toBe('window');
    const two = openWindow(t, again.handoffId);
    await two.w.start();
    expect(two.w.view.step).toBe('unlock');
    await two.w.unlock('nie to hasło');
    expect(two.w.view).toMatchObject({ step: 'unlock', error: 'wrong-passphrase' });
    await two.w.unlock(PASSPHRASE);
    expect(two.w.view).toMatchObject({ step: 'done', outcome: 'delivered' });
    expect(two.steps).not.toContain('approve');
    expect(deliveries(t)).toHaveLength(2);
  });

  it('refusing gives the page “refused” and 24 h of quiet; the session minted for the dialog is revoked; lifting the refusal lets the site ask again', async () => {
    await ensureUnlocked();
    const t = await setup();
    const company = await companyWithToken();
    const req = await click(t, company);
    const { w } = openWindow(t, req.handoffId);
    await w.start();
    expect(w.view.step).toBe('approve');
    h.sandbox.clear();
    await w.refuse();
    expect(w.view).toMatchObject({ step: 'done', outcome: 'refused' });
    expect(pageErrors(t)).toEqual(['refused']);
    expect(h.sandbox.operations()).toContain('DELETE /auth/sessions/{referenceNumber}');
    const minted = (await h.wallet.vault.listSessions(company.id)).filter((s) => s.handedTo === ERP);
    expect(minted.map((s) => s.state)).toEqual(['revoked']);

    const quiet = await t.bg.send(
      'handoff.request',
      { nip: company.nip, environment: ENV, wantRefresh: false, trigger: 'button' },
      t.bg.contentScript(TAB),
    );
    expect(quiet).toMatchObject({ ok: false, error: { code: 'HANDOFF_REFUSED' } });
    const listed = must(await t.win.call('approvals.list', {}), 'list');
    expect(listed.refusals).toMatchObject([{ origin: ERP, nip: company.nip }]);
    expect(must(await t.win.call('refusals.clear', { origin: ERP }), 'clear').cleared).toBe(1);
    expect((await click(t, company)).stage).toBe('window');
  });

  it('when nobody got the session (the page navigated), the wallet revokes it at KSeF at once', async () => {
    await ensureUnlocked();
    const t = await setup();
    const company = await companyWithToken();
    const req = await click(t, company);
    const { w } = openWindow(t, req.handoffId);
    await w.start();
    const now = t.bg.openDocument(TAB); // a new document in the tab: delivery by documentId reaches nobody
    h.sandbox.clear();
    await w.approve({
      grant: 'access-only',
      passphrase: PASSPHRASE,
      credentialsConfirmed: false,
      erpAddresses: '',
    });
    expect(w.view).toMatchObject({ step: 'done', outcome: 'not-delivered' });
    expect(deliveries(t, now)).toEqual([]);
    const requests = h.sandbox.sandbox.control.requests();
    expect(requests.find((r) => r.operation === 'DELETE /auth/sessions/{referenceNumber}')?.status).toBe(204);
    const minted = (await h.wallet.vault.listSessions(company.id)).filter((s) => s.handedTo === ERP);
    expect(minted.map((s) => s.state)).toEqual(['revoked']);
  });

  it('a session carrying CredentialsManage is handed over only with the explicit extra confirmation', async () => {
    await ensureUnlocked();
    const t = await setup();
    const company = await companyWithToken(['InvoiceRead', 'CredentialsManage']);
    const req = await click(t, company);
    const { w } = openWindow(t, req.handoffId);
    await w.start();
    expect(w.view).toMatchObject({ step: 'approve', needsConfirmation: true });
    expect((w.view as unknown as { permissions: string[] }).permissions).toContain('CredentialsManage');
    await w.approve({
      grant: 'access-only',
      passphrase: PASSPHRASE,
      credentialsConfirmed: false,
      erpAddresses: '',
    });
    expect(w.view).toMatchObject({ step: 'approve', error: 'confirm-credentials' });
    expect(deliveries(t)).toEqual([]);
    await w.approve({
      grant: 'access-only',
      passphrase: PASSPHRASE,
      credentialsConfirmed: true,
      erpAddresses: '',
    });
    expect(w.view).toMatchObject({ step: 'done', outcome: 'delivered' });
    const listed = must(await t.win.call('approvals.list', {}), 'list');
    expect(listed.approvals[0]).toMatchObject({ credentialsConfirmed: true });
  });

  it('the silent path never hands over credential permissions the approval did not confirm: it revokes and asks in a window', async () => {
    await ensureUnlocked();
    const t = await setup();
    const company = await companyWithToken();
    const first = await click(t, company);
    const one = openWindow(t, first.handoffId);
    await one.w.start();
    await one.w.approve({
      grant: 'access-only',
      passphrase: PASSPHRASE,
      credentialsConfirmed: false,
      erpAddresses: '',
    });
    // The company's default credential now carries CredentialsManage.
    await setDefaultToken(company, ['InvoiceRead', 'CredentialsManage']);
    startBridge(t);
    await until('unlocked', () => t.bg.ctx.wallets.pickUnlocked(t.bg.clock.now) !== null);
    const windows = t.bg.windows.length;
    const second = await click(t, company);
    expect(second.stage).toBe('wallet');
    await until('a wallet window opens for the same request', () => t.bg.windows.length === windows + 1);
    expect(deliveries(t)).toHaveLength(1);
    await until('the silent session was revoked', async () =>
      (await h.wallet.vault.listSessions(company.id)).some(
        (s) => s.handedTo === ERP && s.state === 'revoked',
      ),
    );
  });

  it('a page that names no company: the user chooses it in the window, and the approval is stored for it', async () => {
    await ensureUnlocked();
    const t = await setup();
    const company = await companyWithToken();
    const r = await t.bg.send(
      'handoff.request',
      { wantRefresh: false, trigger: 'button' },
      t.bg.contentScript(TAB),
    );
    if (!r.ok) throw new Error(r.error.code);
    const { w } = openWindow(t, r.value.handoffId);
    await w.start();
    expect(w.view.step).toBe('choose-company');
    const offered = (w.view as unknown as { companies: CompanyView[] }).companies.map((c) => c.id);
    expect(offered).toContain(company.id);
    await w.chooseCompany(company.id);
    expect(w.view).toMatchObject({ step: 'approve', company: { id: company.id } });
    await w.approve({
      grant: 'access-only',
      passphrase: PASSPHRASE,
      credentialsConfirmed: false,
      erpAddresses: '',
    });
    expect(w.view).toMatchObject({ step: 'done', outcome: 'delivered' });
    expect(deliveries(t)[0]).toMatchObject({ nip: company.nip, environment: ENV });
    expect(must(await t.win.call('approvals.list', {}), 'list').approvals).toMatchObject([
      { origin: ERP, nip: company.nip, environment: ENV },
    ]);
  });

  it('never hands over a token with less than 5 minutes left: the session is revoked and the page hears an error', async () => {
    await ensureUnlocked();
    const t = await setup();
    const company = await companyWithToken();
    h.sandbox.sandbox.control.configure({ accessTokenTtlSeconds: 240 });
    try {
      const req = await click(t, company);
      const { w } = openWindow(t, req.handoffId);
      await w.start();
      expect(w.view.step).toBe('approve');
      await w.approve({
        grant: 'access-only',
        passphrase: PASSPHRASE,
        credentialsConfirmed: false,
        erpAddresses: '',
      });
      expect(w.view).toMatchObject({ step: 'failed', error: { code: 'SESSION_TOO_SHORT' } });
      expect(deliveries(t)).toEqual([]);
      expect(pageErrors(t)).toEqual(['wallet-error']);
      const minted = (await h.wallet.vault.listSessions(company.id)).filter((s) => s.handedTo === ERP);
      expect(minted.map((s) => s.state)).toEqual(['revoked', 'revoked']);
    } finally {
      h.sandbox.sandbox.control.configure({ accessTokenTtlSeconds: 900 });
    }
  });

  it('with ERP addresses the session works only from the browser’s address and those; the page never supplies them', async () => {
    await ensureUnlocked();
    const t = await setup();
    const company = await companyWithToken();
    const req = await click(t, company);
    const { w } = openWindow(t, req.handoffId);
    await w.start();
    await w.approve({
      grant: 'access-only',
      passphrase: PASSPHRASE,
      credentialsConfirmed: false,
      erpAddresses: '300.1.1.1',
    });
    expect(w.view).toMatchObject({ step: 'approve', error: 'addresses' });
    h.sandbox.clear();
    await w.approve({
      grant: 'access-only',
      passphrase: PASSPHRASE,
      credentialsConfirmed: false,
      erpAddresses: '203.0.113.10',
    });
    expect(w.view).toMatchObject({ step: 'done', outcome: 'delivered' });
    // The dialog's session had no policy: it was replaced by one with the policy, and revoked.
    expect(h.sandbox.operations()).toContain('DELETE /auth/sessions/{referenceNumber}');
    const [session] = deliveries(t);
    // From 127.0.0.1 (the test's own address, the challenge's clientIp) it works.
    expect((await h.sandbox.client(company.nip).sessions.list(session!.accessToken)).ok).toBe(true);
    expect(
      must(await t.vault.handoffApproval({ origin: ERP, companyId: company.id }), 'approval').erpAddresses,
    ).toEqual(['203.0.113.10']);
  });
});

describe('revocation', () => {
  it('revoking in Settings (passphrase re-entered) ends the page’s session, revokes every handed session at KSeF (refresh → 21301/425), and leaves nothing pending', async () => {
    await ensureUnlocked();
    const t = await setup();
    const company = await companyWithToken();
    // A refresh token goes out only while a wallet window reports itself unlocked (its Port).
    const bridge = startBridge(t);
    await until('unlocked', () => t.bg.ctx.wallets.pickUnlocked(t.bg.clock.now) !== null);
    const req = await click(t, company, true);
    const { w } = openWindow(t, req.handoffId, bridge);
    await w.start();
    await w.approve({
      grant: 'with-refresh',
      passphrase: PASSPHRASE,
      credentialsConfirmed: false,
      erpAddresses: '',
    });
    expect(w.view).toMatchObject({ step: 'done', outcome: 'delivered' });
    const [session] = deliveries(t);
    expect(session!.refreshToken).toBeDefined();

    const deps = { call: t.win.call, vault: t.vault, randomId };
    const input = { origin: ERP, nip: company.nip, environment: ENV };
    expect(await revokeApproval(deps, { ...input, passphrase: 'nie to hasło' })).toMatchObject({
      ok: false,
      error: { code: 'WRONG_PASSPHRASE' },
    });
    expect(must(await t.win.call('approvals.list', {}), 'list').approvals).toHaveLength(1);

    expect(must(await revokeApproval(deps, { ...input, passphrase: PASSPHRASE }), 'revoke')).toEqual({
      revoked: 1,
      pending: 0,
    });
    const ended = t.bg.sent.filter((s) => s.message.kind === 'cs.ended');
    expect(ended.map((s) => (s.message as unknown as { reason: string }).reason)).toEqual(['revoked']);
    const refresh = await h.sandbox.client(company.nip).auth.refresh(session!.refreshToken!);
    expect(refresh).toMatchObject({ ok: false, error: { ksef: { code: 21301 } } });
    expect(JSON.stringify(refresh)).toContain('(425)');
    const after = must(await t.win.call('approvals.list', {}), 'list');
    expect(after).toMatchObject({ approvals: [], pendingRevocations: [] });
    expect(
      must(await t.vault.handoffApproval({ origin: ERP, companyId: company.id }), 'approval').approved,
    ).toBe(false);
  });

  it('revokes a handed session after the key worker restarted (its access token is gone with it): with the session’s own refresh token', async () => {
    await ensureUnlocked();
    const company = await companyWithToken();
    const t = await setup();
    const req = await click(t, company);
    const { w } = openWindow(t, req.handoffId);
    await w.start();
    await w.approve({
      grant: 'access-only',
      passphrase: PASSPHRASE,
      credentialsConfirmed: false,
      erpAddresses: '',
    });
    const [session] = deliveries(t);
    await h.restart(); // every key and access token in memory is gone, as after a lock
    must(await h.wallet.vault.unlock(PASSPHRASE), 'unlock');
    const after = await setup();
    h.sandbox.clear();
    const r = must(
      await after.vault.revokeHandedSessions({
        operationId: randomId(),
        referenceNumbers: [session!.referenceNumber],
      }),
      'revoke',
    );
    expect(r).toEqual({ revoked: [session!.referenceNumber], failed: [] });
    expect(h.sandbox.operations()).toEqual(['DELETE /auth/sessions/current']);
    const listed = await ksefSessions(company.nip, session!.accessToken);
    expect(listed.find((s) => s.referenceNumber === session!.referenceNumber)?.status.code).not.toBe(200);
  });

  it('two revocations of the same session at once (the sweep and Settings) both report it revoked, with one DELETE at KSeF', async () => {
    await ensureUnlocked();
    const company = await companyWithToken();
    const t = await setup();
    const req = await click(t, company);
    const { w } = openWindow(t, req.handoffId);
    await w.start();
    await w.approve({
      grant: 'access-only',
      passphrase: PASSPHRASE,
      credentialsConfirmed: false,
      erpAddresses: '',
    });
    const [session] = deliveries(t);
    h.sandbox.clear();
    const ask = () =>
      t.vault.revokeHandedSessions({ operationId: randomId(), referenceNumbers: [session!.referenceNumber] });
    const [a, b] = await Promise.all([ask(), ask()]);
    for (const r of [a, b])
      expect(must(r, 'revoke')).toEqual({ revoked: [session!.referenceNumber], failed: [] });
    expect(h.sandbox.operations().filter((o) => o?.startsWith('DELETE'))).toHaveLength(1);
  });

  it('offline at revocation: the sessions stay pending, and the next sweep revokes them', async () => {
    await ensureUnlocked();
    let offline = false;
    const t = await setup({ offline: () => offline });
    const company = await companyWithToken();
    const req = await click(t, company);
    const { w } = openWindow(t, req.handoffId);
    await w.start();
    await w.approve({
      grant: 'access-only',
      passphrase: PASSPHRASE,
      credentialsConfirmed: false,
      erpAddresses: '',
    });

    offline = true;
    const r = must(
      await revokeApproval(
        { call: t.win.call, vault: t.vault, randomId },
        { origin: ERP, nip: company.nip, environment: ENV, passphrase: PASSPHRASE },
      ),
      'revoke',
    );
    expect(r).toEqual({ revoked: 0, pending: 1 });
    expect(must(await t.win.call('approvals.list', {}), 'list').pendingRevocations).toHaveLength(1);

    offline = false;
    const sweep = await sweepHandedSessions({
      call: t.win.call,
      vault: t.vault,
      ended: createEndedSessions(null, Date.now),
      now: Date.now,
      randomId,
    });
    expect(sweep).toMatchObject({ revoked: [deliveries(t)[0]!.referenceNumber], failed: 0 });
    expect(must(await t.win.call('approvals.list', {}), 'list').pendingRevocations).toEqual([]);
  });

  it('a session minted for a dialog that was closed without an answer is revoked by the next sweep', async () => {
    await ensureUnlocked();
    const t = await setup();
    const company = await companyWithToken();
    const req = await click(t, company);
    const { w } = openWindow(t, req.handoffId);
    await w.start();
    expect(w.view.step).toBe('approve');
    // The window is killed (no pagehide): nothing answered, nothing revoked yet.
    const orphan = (await h.wallet.vault.listSessions(company.id)).find((s) => s.handedTo === ERP)!;
    expect(orphan.state).toBe('active');
    const sweep = (now: number) =>
      sweepHandedSessions({
        call: t.win.call,
        vault: t.vault,
        ended: createEndedSessions(null, Date.now),
        now: () => now,
        randomId,
      });
    expect((await sweep(Date.now())).revoked).toEqual([]); // too young: it may still be answered
    // (Sessions handed in the other tests of this file are unknown to this test's extension, so
    // they count as orphans too: the vault is shared, the extension is not.)
    expect((await sweep(Date.now() + 11 * MINUTE)).revoked).toContain(orphan.referenceNumber);
    const after = (await h.wallet.vault.listSessions(company.id)).find((s) => s.id === orphan.id);
    expect(after?.state).toBe('revoked');
  });
});

describe('refreshes for a page without a refresh token', () => {
  it('refreshes about 2 minutes before expiry and passes it on; stops when the page is gone, at lock and at the 10 h cap', async () => {
    await ensureUnlocked();
    const t = await setup();
    const company = await companyWithToken();
    const req = await click(t, company);
    const { w } = openWindow(t, req.handoffId);
    await w.start();
    await w.approve({
      grant: 'access-only',
      passphrase: PASSPHRASE,
      credentialsConfirmed: false,
      erpAddresses: '',
    });
    const [session] = deliveries(t);
    const expiry = Date.parse(session!.accessTokenValidUntil);
    // The wallet window that refreshes reports itself unlocked (the extension checks).
    t.bg.ctx.wallets.setState(
      WALLET_TAB,
      { locked: false, unlockedUntil: Date.now() + 60 * MINUTE },
      Date.now(),
    );

    const ended = createEndedSessions(null, Date.now);
    let clock = Date.now();
    const refresher = createHandedSessionRefresher({
      call: t.win.call,
      vault: t.vault,
      ended,
      now: () => clock,
      randomId,
    });
    const early = await refresher.tick();
    expect(early.refreshed).toEqual([]);
    expect(early.nextInMs).toBeGreaterThan(0);

    clock = expiry - 2 * MINUTE + 1000; // now within the last two minutes
    const due = await refresher.tick();
    expect(due.refreshed).toEqual([session!.referenceNumber]);
    const refreshed = t.bg.sent.filter((s) => s.message.kind === 'cs.refreshed');
    expect(refreshed).toHaveLength(1);
    const newToken = (refreshed[0]!.message as unknown as { accessToken: string }).accessToken;
    expect(newToken).not.toBe(session!.accessToken);
    expect((await h.sandbox.client(company.nip).sessions.list(newToken)).ok).toBe(true);

    // At lock: the page hears "ended (wallet-locked)"; the session is remembered for revocation.
    refresher.locked();
    await settle();
    const endedMessages = t.bg.sent.filter((s) => s.message.kind === 'cs.ended');
    expect(endedMessages.map((s) => (s.message as unknown as { reason: string }).reason)).toEqual([
      'wallet-locked',
    ]);
    expect(ended.has(session!.referenceNumber)).toBe(true);
    // …and it is not refreshed again; the next sweep revokes it at KSeF.
    clock = Date.parse(session!.accessTokenValidUntil) + 10 * MINUTE;
    expect((await refresher.tick()).refreshed).toEqual([]);
    const sweep = await sweepHandedSessions({
      call: t.win.call,
      vault: t.vault,
      ended,
      now: Date.now,
      randomId,
    });
    expect(sweep.revoked).toEqual([session!.referenceNumber]);
  });

  it('stops refreshing when the page’s document is gone, and at the 10 h cap (then the session is revoked)', async () => {
    await ensureUnlocked();
    const t = await setup();
    const company = await companyWithToken();
    const handOnce = async () => {
      const req = await click(t, company);
      const { w } = openWindow(t, req.handoffId);
      await w.start();
      await w.approve({
        grant: 'access-only',
        passphrase: PASSPHRASE,
        credentialsConfirmed: false,
        erpAddresses: '',
      });
      return deliveries(t).at(-1)!;
    };
    const first = await handOnce();
    t.bg.ctx.wallets.setState(
      WALLET_TAB,
      { locked: false, unlockedUntil: Date.now() + 60 * MINUTE },
      Date.now(),
    );
    const ended = createEndedSessions(null, Date.now);
    let clock = Date.now();
    const refresher = createHandedSessionRefresher({
      call: t.win.call,
      vault: t.vault,
      ended,
      now: () => clock,
      randomId,
    });

    // The tab navigated: the extension says stop at the next refresh.
    const next = t.bg.openDocument(TAB);
    clock = Date.parse(first.accessTokenValidUntil) - 90_000;
    const gone = await refresher.tick();
    expect(gone.ended).toEqual([{ referenceNumber: first.referenceNumber, reason: 'page-gone' }]);
    expect(t.bg.sent.filter((s) => s.message.kind === 'cs.refreshed' && s.documentId === next)).toEqual([]);

    // A new session for the new document, then ten hours pass.
    const second = await handOnce();
    t.time.shift = 10 * 60 * MINUTE + MINUTE;
    clock = Date.now() + t.time.shift;
    const capped = await refresher.tick();
    expect(capped.ended).toContainEqual({ referenceNumber: second.referenceNumber, reason: 'limit' });
    const listed = must(await t.win.call('approvals.list', {}), 'list');
    expect(listed.pendingRevocations.map((s) => s.referenceNumber)).toContain(second.referenceNumber);
    const sweep = await sweepHandedSessions({
      call: t.win.call,
      vault: t.vault,
      ended,
      now: () => clock,
      randomId,
    });
    expect(sweep.revoked).toEqual(expect.arrayContaining([first.referenceNumber, second.referenceNumber]));
    expect(must(await t.win.call('approvals.list', {}), 'list').pendingRevocations).toEqual([]);
  });
});

describe('the wallet window’s background duties', () => {
  it('publishes a status snapshot the extension accepts, with clear metadata only', async () => {
    await ensureUnlocked();
    const t = await setup();
    const company = await companyWithToken();
    const bridge = startBridge(t);
    expect(await bridge.publishSnapshot()).toBe(true);
    const stored = await t.bg.db.snapshot.get('current');
    const entry = stored!.snapshot.companies.find((c) => c.nip === company.nip);
    expect(entry).toMatchObject({ environment: ENV, name: company.name });
    expect(entry!.credentials).toContainEqual(
      expect.objectContaining({ kind: 'ksef-token', isDefault: true, status: 'active' }),
    );
    const dump = await t.bg.dump();
    expect(dump).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    expect(dump).not.toMatch(/\|nip-\d{10}\|[0-9a-f]{64}/);
  });

  it('an OS screen lock (os.locked push) locks the vault at once', async () => {
    await ensureUnlocked();
    const t = await setup();
    startBridge(t);
    await until('the Port is open', () => t.bg.ctx.wallets.pickUnlocked(t.bg.clock.now) !== null);
    osLocked(t.bg.ctx);
    await until('the vault locked', async () => (await h.wallet.vault.status()).state === 'locked');
    expect(t.bg.ctx.wallets.pickUnlocked(t.bg.clock.now)).toBeNull();
  });

  it('a request cancelled while its silent session was being minted delivers nothing, and the session is revoked', async () => {
    await ensureUnlocked();
    const t = await setup();
    const company = await companyWithToken();
    const first = await click(t, company);
    const one = openWindow(t, first.handoffId);
    await one.w.start();
    await one.w.approve({
      grant: 'access-only',
      passphrase: PASSPHRASE,
      credentialsConfirmed: false,
      erpAddresses: '',
    });
    h.sandbox.sandbox.control.configure({ authDelayMs: 300 });
    try {
      startBridge(t);
      await until('unlocked', () => t.bg.ctx.wallets.pickUnlocked(t.bg.clock.now) !== null);
      const second = await click(t, company);
      expect(second.stage).toBe('wallet');
      // The ERP tab closes while KSeF is still verifying the login.
      await new Promise((r) => setTimeout(r, 50));
      t.bg.documents.delete(TAB);
      const { tabRemoved } = await import('../../../extension/handoff/wallet-events.ts');
      await tabRemoved(t.bg.ctx, TAB);
      await until(
        'the silent session was revoked',
        async () =>
          (await h.wallet.vault.listSessions(company.id)).filter(
            (s) => s.handedTo === ERP && s.state === 'revoked',
          ).length === 1,
      );
      expect(deliveries(t)).toHaveLength(1);
    } finally {
      h.sandbox.sandbox.control.configure({ authDelayMs: 0 });
    }
  });

  it('the activity log shows every hand-off: the extension’s entries and the wallet’s logins for the origin', async () => {
    await ensureUnlocked();
    const t = await setup();
    const company = await companyWithToken();
    const req = await click(t, company);
    const { w } = openWindow(t, req.handoffId);
    await w.start();
    await w.approve({
      grant: 'access-only',
      passphrase: PASSPHRASE,
      credentialsConfirmed: false,
      erpAddresses: '',
    });
    const ext = must(await t.win.call('activity.list', { limit: 100 }), 'activity');
    const items = mergeHandoffActivity(ext.entries, await h.wallet.vault.listActivity({ limit: 500 }), [
      company,
    ]);
    const labels = items.map((i) => `${i.source}:${i.label}`);
    expect(labels).toEqual(
      expect.arrayContaining([
        'extension:evRequested',
        'extension:evWindowOpened',
        'extension:evApproved',
        'extension:evDelivered',
        'wallet:evLogin',
        'wallet:evApprovalGranted',
      ]),
    );
    const delivered = items.find((i) => i.label === 'evDelivered')!;
    expect(delivered).toMatchObject({ origin: ERP, nip: company.nip, companyName: company.name });
    expect(JSON.stringify(items)).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
  });
});

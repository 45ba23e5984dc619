/**
 * The wallet window's Port to the extension (pwa/platform/wallet-port.ts) against the real
 * background: the lock state it reports is what the background decides with (may this window mint
 * silently?), pushes reach the wallet only when valid, requests get their own replies, and a Port
 * that drops (the service worker restarted) comes back.
 */
import { describe, expect, it } from 'vitest';
import { createWalletPort, type WalletLockState } from '../../../pwa/platform/wallet-port.ts';
import { EXTENSION_ID } from '../../../shared/protocol/constants.ts';
import { makePush, type Push, WALLET_PORT_NAME } from '../../../shared/protocol/wallet-push.ts';
import { createBackground, MINUTE } from '../extension/handoff-fixture.ts';
import { manualTimers, settle, walletWindow } from './handoff-harness.ts';

const TAB = 50;

function setup(initial: WalletLockState = { locked: true }) {
  const bg = createBackground();
  const timers = manualTimers(bg.clock);
  const win = walletWindow(bg, TAB);
  let state = initial;
  const pushes: Push[] = [];
  const connection: boolean[] = [];
  const port = createWalletPort({
    readState: async () => state,
    onPush: (p) => pushes.push(p),
    onConnection: (c) => connection.push(c),
    runtime: win.runtime,
    timers,
  });
  return {
    bg,
    timers,
    win,
    port,
    pushes,
    connection,
    setState: (s: WalletLockState) => {
      state = s;
    },
    canMint: () => bg.ctx.wallets.pickUnlocked(bg.clock.now) !== null,
  };
}

describe('the wallet Port', () => {
  it('connects to our extension with the protocol Port name and reports the lock state at once', async () => {
    const t = setup();
    t.setState({ locked: false, unlockedUntil: t.bg.clock.now + 15 * MINUTE });
    t.port.start();
    await settle();
    expect(t.win.connected).toEqual([{ extensionId: EXTENSION_ID, name: WALLET_PORT_NAME }]);
    expect(t.port.connected).toBe(true);
    expect(t.canMint()).toBe(true);
  });

  it('repeats the state at most 20 s apart, so a lock the background did not hear of ends silent minting', async () => {
    const t = setup({ locked: false, unlockedUntil: Date.UTC(2026, 4, 14, 12) });
    t.port.start();
    await settle();
    expect(t.canMint()).toBe(true);
    t.setState({ locked: true });
    await t.timers.advance(20_000);
    expect(t.canMint()).toBe(false);
    // Still beating: an unlock is heard within 20 s without any event.
    t.setState({ locked: false, unlockedUntil: t.bg.clock.now + 10 * MINUTE });
    await t.timers.advance(20_000);
    expect(t.canMint()).toBe(true);
  });

  it('reports "locked" at once, before the page reloads', async () => {
    const t = setup({ locked: false, unlockedUntil: Date.UTC(2026, 4, 14, 12) });
    t.port.start();
    await settle();
    expect(t.canMint()).toBe(true);
    t.port.reportLocked();
    await settle();
    expect(t.canMint()).toBe(false);
  });

  it('never claims an unlocked vault without a deadline', async () => {
    const t = setup({ locked: false });
    t.port.start();
    await settle();
    expect(t.canMint()).toBe(false);
    expect(t.bg.ctx.wallets.summary(t.bg.clock.now).locked).toBe(true);
  });

  it('opens the Port again after the service worker restarted, and reports again', async () => {
    const t = setup({ locked: false, unlockedUntil: Date.UTC(2026, 4, 14, 12) });
    t.port.start();
    await settle();
    t.win.dropPorts();
    await settle();
    expect(t.port.connected).toBe(false);
    expect(t.canMint()).toBe(false);
    await t.timers.advance(500);
    expect(t.port.connected).toBe(true);
    expect(t.canMint()).toBe(true);
    expect(t.win.connected).toHaveLength(2);
    expect(t.connection).toEqual([true, false, true]);
  });

  it('waits longer after each failed connect (extension being updated), up to 30 s', async () => {
    const bg = createBackground();
    const timers = manualTimers(bg.clock);
    const win = walletWindow(bg, TAB);
    const attempts: number[] = [];
    let failures = 3;
    const start = bg.clock.now;
    const port = createWalletPort({
      readState: async () => ({ locked: true }),
      onPush: () => {},
      timers,
      runtime: {
        connect: (id, info) => {
          attempts.push(bg.clock.now - start);
          if (failures-- > 0) throw new Error('Could not establish connection');
          return win.runtime.connect(id, info);
        },
      },
    });
    port.start();
    await timers.advance(10_000);
    expect(attempts).toEqual([0, 500, 1500, 3500]);
    expect(port.connected).toBe(true);
    port.stop();
  });

  it('passes on a valid push and drops a malformed one', async () => {
    const t = setup();
    t.port.start();
    await settle();
    const sent = t.bg.ctx.wallets.push(
      TAB,
      makePush('handoff.cancelled', { handoffId: 'h'.repeat(22), reason: 'timeout' }, 'push-00000001'),
    );
    expect(sent).toBe(true);
    t.bg.ctx.wallets.push(TAB, {
      ...makePush('os.locked', {}, 'push-00000002'),
      payload: { extra: true },
    } as never);
    t.bg.ctx.wallets.push(TAB, {
      protocol: 'ksef-wallet',
      v: 1,
      id: 'push-00000003',
      push: 'steal.keys',
      payload: {},
    } as never);
    await settle();
    expect(t.pushes.map((p) => p.push)).toEqual(['handoff.cancelled']);
  });

  it('answers each request with its own reply, and fails requests when the Port is gone', async () => {
    const t = setup();
    t.port.start();
    await settle();
    const [a, b] = await Promise.all([
      t.port.call('approvals.list', {}),
      t.port.call('activity.list', { limit: 5 }),
    ]);
    expect(a).toMatchObject({ ok: true, value: { approvals: [], refusals: [], pendingRevocations: [] } });
    expect(b).toMatchObject({ ok: true, value: { entries: [] } });
    t.port.stop();
    expect(await t.port.call('approvals.list', {})).toMatchObject({
      ok: false,
      error: { code: 'EXTENSION_MISSING' },
    });
  });

  it('does nothing without the extension (no chrome.runtime), and says so to callers', async () => {
    const port = createWalletPort({
      readState: async () => ({ locked: true }),
      onPush: () => {},
      runtime: null,
    });
    port.start();
    expect(port.connected).toBe(false);
    expect(await port.call('approvals.list', {})).toMatchObject({
      ok: false,
      error: { code: 'EXTENSION_MISSING' },
    });
    port.stop();
  });
});

/**
 * Everything a wallet window does for the hand-off besides the approval screen
 * (docs/wallet-extension-protocol.md §1–§6), wired once per window:
 *
 *  * the Port with `wallet.state` at connect, on unlock, lock and deadline changes, and every 15 s;
 *  * the pushes: `handoff.mint` (mint silently or answer `needs-user`), `handoff.cancelled`,
 *    `os.locked` (lock the vault at once: SECURITY.md §3.8), `approvals.changed`;
 *  * the status snapshot (`wallet.snapshot`) at start, after an unlock and after every change of
 *    companies or credentials — clear metadata only;
 *  * the sweep that revokes at KSeF what must not live on, at start, after an unlock, on
 *    `approvals.changed` and every few minutes;
 *  * refreshes for ERP pages without a refresh token, in one window at a time.
 *
 * The vault's events come in through `vaultEvent` (the app owns the vault client).
 */

import type { LockReason } from '../../../shared/domain/lock-policy.ts';
import type { PushPayloads } from '../../../shared/protocol/wallet-push.ts';
import type { PortTimers, WalletPort, WalletPortOptions } from '../../platform/wallet-port.ts';
import type { VaultEvent } from '../../vault/vault-api.ts';
import { buildStatusSnapshot } from './build-status-snapshot.ts';
import type { EndedSessions } from './ended-sessions.ts';
import { createHandedSessionRefresher, type HandedSessionRefresher } from './handed-session-refresher.ts';
import type { HandoffVault } from './handoff-vault.ts';
import type { ExtensionCall } from './handoff-window.ts';
import { mintSilently, type SilentMintOutcome } from './mint-silently.ts';
import { type SweepReport, sweepHandedSessions } from './sweep-handed-sessions.ts';

export const BRIDGE_TIMING = Object.freeze({
  SWEEP_EVERY_MS: 5 * 60_000,
  /** Several vault changes in a row (an import) publish one snapshot. */
  SNAPSHOT_DEBOUNCE_MS: 300,
});

/**
 * Runs `task` once this window holds the named role (a Web Lock: one window at a time); the role is
 * held until the task's promise settles, and passes to another window when this one closes.
 */
export type RoleHolder = (name: string, task: () => Promise<void>) => void;

export type HandoffBridgeDeps = {
  readonly vault: HandoffVault;
  readonly call: ExtensionCall;
  readonly createPort: (options: Pick<WalletPortOptions, 'readState' | 'onPush'>) => WalletPort;
  readonly ended: EndedSessions;
  readonly now: () => number;
  readonly randomId: () => string;
  readonly timers: PortTimers;
  /** Locks the vault (closes the key worker; the app reloads its pages). */
  readonly lockVault: (reason: LockReason) => void;
  readonly holdRole?: RoleHolder;
  /** For the Settings screen and tests: something about approvals or handed sessions changed. */
  readonly onChange?: () => void;
  readonly onMint?: (outcome: SilentMintOutcome) => void;
};

export type HandoffBridge = {
  start(): void;
  stop(): void;
  vaultEvent(e: VaultEvent): void;
  /** Publishes the status snapshot now. */
  publishSnapshot(): Promise<boolean>;
  sweep(): Promise<SweepReport>;
  /** Registers for `handoff.cancelled` of one request (the hand-off window of that request). */
  onCancelled(listener: (handoffId: string) => void): () => void;
  reportState(): Promise<void>;
  readonly port: WalletPort;
};

export function createHandoffBridge(deps: HandoffBridgeDeps): HandoffBridge {
  const cancelled = new Set<string>();
  const cancelListeners = new Set<(id: string) => void>();
  let running = false;
  let snapshotTimer: unknown;
  let sweepTimer: unknown;
  let refreshTimer: unknown;
  let refresherActive = false;
  let sweeping: Promise<SweepReport> | undefined;
  let mints: Promise<unknown> = Promise.resolve();
  let releaseRole: (() => void) | undefined;

  const refresher: HandedSessionRefresher = createHandedSessionRefresher({
    call: deps.call,
    vault: deps.vault,
    ended: deps.ended,
    now: deps.now,
    randomId: deps.randomId,
  });

  async function readState() {
    const s = await deps.vault.status();
    return s.state === 'unlocked' && s.lockAt !== undefined
      ? { locked: false, unlockedUntil: s.lockAt }
      : { locked: true };
  }

  const port = deps.createPort({ readState, onPush });

  function onPush(push: { push: string; payload: unknown }) {
    switch (push.push) {
      case 'handoff.mint': {
        const payload = push.payload as PushPayloads['handoff.mint'];
        // One mint at a time from this window: each is a KSeF login (SECURITY.md §4 budgets).
        mints = mints
          .then(async () => {
            const outcome = await mintSilently(
              {
                call: deps.call,
                vault: deps.vault,
                now: deps.now,
                randomId: deps.randomId,
                isCancelled: (id) => cancelled.has(id),
              },
              payload,
            ).catch(async (): Promise<SilentMintOutcome> => {
              // The key worker is gone (a lock closed it mid-mint): a wallet window must take over.
              await deps.call('handoff.complete', { handoffId: payload.handoffId, outcome: 'needs-user' });
              return { outcome: 'needs-user', why: 'the vault did not answer' };
            });
            deps.onMint?.(outcome);
            if (outcome.outcome === 'delivered') kickRefresher();
            deps.onChange?.();
          })
          .catch(() => {}); // the next push still runs
        return;
      }
      case 'handoff.cancelled': {
        const { handoffId } = push.payload as PushPayloads['handoff.cancelled'];
        cancelled.add(handoffId);
        for (const l of cancelListeners) l(handoffId);
        return;
      }
      case 'os.locked':
        // SECURITY.md §3.8: the screen was locked — the vault locks at once.
        port.reportLocked();
        deps.lockVault('os-locked');
        return;
      case 'approvals.changed':
        void sweep();
        kickRefresher();
        deps.onChange?.();
        return;
    }
  }

  async function publishSnapshot(): Promise<boolean> {
    try {
      // Before a vault exists there is nothing to publish: the popup says it has no data yet.
      if ((await deps.vault.status()).state === 'absent') return false;
      const [companies, certificates, tokens, sessions] = await Promise.all([
        deps.vault.listCompanies(),
        deps.vault.listCertificates(),
        deps.vault.listTokens(),
        deps.vault.listSessions(),
      ]);
      const snapshot = buildStatusSnapshot({ companies, certificates, tokens, sessions }, deps.now());
      const r = await deps.call('wallet.snapshot', { snapshot });
      return r.ok;
    } catch {
      return false; // the vault is gone (a lock reloads the page); the next start publishes
    }
  }

  const schedulePublish = () => {
    if (snapshotTimer !== undefined) deps.timers.clearTimeout(snapshotTimer);
    snapshotTimer = deps.timers.setTimeout(() => {
      snapshotTimer = undefined;
      void publishSnapshot();
    }, BRIDGE_TIMING.SNAPSHOT_DEBOUNCE_MS);
  };

  function sweep(): Promise<SweepReport> {
    // One sweep at a time: a second request joins the running one.
    sweeping ??= sweepHandedSessions({
      call: deps.call,
      vault: deps.vault,
      ended: deps.ended,
      now: deps.now,
      randomId: deps.randomId,
    })
      .catch((): SweepReport => ({ revoked: [], failed: 0, skipped: 'locked' }))
      .finally(() => {
        sweeping = undefined;
      });
    return sweeping.then((r) => {
      if (r.revoked.length > 0) deps.onChange?.();
      return r;
    });
  }

  const scheduleSweeps = () => {
    sweepTimer = deps.timers.setTimeout(() => {
      sweepTimer = undefined;
      if (!running) return;
      void sweep().finally(() => {
        if (running) scheduleSweeps();
      });
    }, BRIDGE_TIMING.SWEEP_EVERY_MS);
  };

  function kickRefresher(inMs = 0) {
    if (!refresherActive || !running) return;
    if (refreshTimer !== undefined) deps.timers.clearTimeout(refreshTimer);
    refreshTimer = deps.timers.setTimeout(() => {
      refreshTimer = undefined;
      void refresher
        .tick()
        .catch(() => ({ nextInMs: 30_000, ended: [] }))
        .then((t) => {
          // A session that ended for its page (gone, capped, no longer refreshable) is revoked now.
          if (t.ended.length > 0) void sweep();
          if (refreshTimer === undefined) kickRefresher(t.nextInMs);
        });
    }, inMs);
  }

  const holdRole: RoleHolder =
    deps.holdRole ??
    ((_name, task) => {
      void task();
    });

  return {
    start() {
      if (running) return;
      running = true;
      port.start();
      void publishSnapshot();
      void sweep();
      scheduleSweeps();
      const held = new Promise<void>((release) => {
        releaseRole = release;
      });
      holdRole('ksef-wallet.handoff-refresher', async () => {
        if (!running) return;
        refresherActive = true;
        kickRefresher();
        await held; // until this window stops (or the page goes, which frees the lock)
        refresherActive = false;
      });
    },
    stop() {
      running = false;
      refresherActive = false;
      releaseRole?.();
      for (const t of [snapshotTimer, sweepTimer, refreshTimer])
        if (t !== undefined) deps.timers.clearTimeout(t);
      snapshotTimer = sweepTimer = refreshTimer = undefined;
      port.stop();
    },
    vaultEvent(e) {
      switch (e.type) {
        case 'unlocked':
          void port.reportState();
          void publishSnapshot();
          void sweep();
          kickRefresher();
          return;
        case 'changed':
          // A change of the idle time moves the deadline; companies and credentials change the snapshot.
          void port.reportState();
          schedulePublish();
          return;
        case 'locked':
          // Before the page reloads (§3): the extension must not count this window as unlocked.
          port.reportLocked();
          refresher.locked();
          return;
      }
    },
    publishSnapshot,
    sweep,
    onCancelled(listener) {
      cancelListeners.add(listener);
      return () => cancelListeners.delete(listener);
    },
    reportState: () => port.reportState(),
    port,
  };
}

/** The browser's Web Locks: the role passes to another window when this one closes. */
export function webLockRole(): RoleHolder | undefined {
  const locks = (globalThis.navigator as (Navigator & { locks?: LockManager }) | undefined)?.locks;
  if (!locks) return undefined;
  return (name, task) => {
    void locks.request(name, () => task()).catch(() => {});
  };
}

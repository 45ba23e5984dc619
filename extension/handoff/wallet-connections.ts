/**
 * The wallet windows the background knows of: one entry per PWA tab, with its lock state and
 * expiry (the only vault facts the extension may hold — SECURITY.md T2) and, when the tab opened
 * one, the Port on which the background can push "mint a session" requests.
 */
import type { Push } from '../../shared/protocol/wallet-push.ts';

/** The subset of chrome.runtime.Port used here. */
export type PortLike = {
  postMessage(message: unknown): void;
  disconnect(): void;
};

type Connection = {
  readonly tabId: number;
  port?: PortLike;
  locked: boolean;
  unlockedUntil?: number;
  seenAt: number;
};

export type LockSummary = { readonly locked: boolean; readonly unlockedUntil: number | null };

/** A wallet that says it stays unlocked for less than this is treated as locked: a mint would not finish. */
const MIN_UNLOCKED_MS = 15_000;

export function createWalletConnections(onChange: (summary: LockSummary) => void = () => {}) {
  const byTab = new Map<number, Connection>();

  const entry = (tabId: number, now: number): Connection => {
    let c = byTab.get(tabId);
    if (!c) {
      c = { tabId, locked: true, seenAt: now };
      byTab.set(tabId, c);
    }
    return c;
  };

  function summary(now: number): LockSummary {
    let until: number | null = null;
    for (const c of byTab.values())
      if (!c.locked && c.unlockedUntil !== undefined && c.unlockedUntil > now)
        until = Math.max(until ?? 0, c.unlockedUntil);
    return { locked: until === null, unlockedUntil: until };
  }

  return {
    attachPort(tabId: number, port: PortLike, now: number) {
      const c = entry(tabId, now);
      c.port = port;
      c.seenAt = now;
    },
    /** The Port closed (tab closed, reloaded, or the vault locked and reloaded the page). */
    detachPort(port: PortLike, now: number) {
      for (const [tabId, c] of byTab)
        if (c.port === port) {
          byTab.delete(tabId);
          onChange(summary(now));
        }
    },
    setState(tabId: number, state: { locked: boolean; unlockedUntil?: number }, now: number) {
      const c = entry(tabId, now);
      c.locked = state.locked;
      c.unlockedUntil = state.locked ? undefined : state.unlockedUntil;
      c.seenAt = now;
      onChange(summary(now));
    },
    /** Every window counts as locked from now on (OS screen lock); they are told to lock too. */
    lockAll(now: number) {
      for (const c of byTab.values()) {
        c.locked = true;
        c.unlockedUntil = undefined;
      }
      onChange(summary(now));
    },
    tabRemoved(tabId: number, now: number) {
      if (byTab.delete(tabId)) onChange(summary(now));
    },
    /** The most recently seen window with a Port whose vault stays unlocked long enough to mint. */
    pickUnlocked(now: number): { readonly tabId: number } | null {
      let best: Connection | null = null;
      for (const c of byTab.values()) {
        if (!c.port || c.locked || (c.unlockedUntil ?? 0) < now + MIN_UNLOCKED_MS) continue;
        if (!best || c.seenAt > best.seenAt) best = c;
      }
      return best ? { tabId: best.tabId } : null;
    },
    /** Posts a push to one window's Port; false when it has none or the Port is gone. */
    push(tabId: number, message: Push): boolean {
      const port = byTab.get(tabId)?.port;
      if (!port) return false;
      try {
        port.postMessage(message);
        return true;
      } catch {
        return false;
      }
    },
    broadcast(message: Push): number {
      let sent = 0;
      for (const c of byTab.values()) {
        if (!c.port) continue;
        try {
          c.port.postMessage(message);
          sent += 1;
        } catch {
          // A Port that throws is closing; its onDisconnect removes it.
        }
      }
      return sent;
    },
    summary,
  };
}

export type WalletConnections = ReturnType<typeof createWalletConnections>;

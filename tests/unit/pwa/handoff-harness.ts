/**
 * The wallet's hand-off code against the real extension background (router, handlers, use cases,
 * Dexie schema on fake-indexeddb — tests/unit/extension/handoff-fixture.ts). What is replaced is
 * the browser between them: `chrome.runtime.connect` / `sendMessage` become direct calls into the
 * background's router with the sender class the browser would stamp (a PWA tab), and a Port is a
 * pair of in-memory ends wired as background.ts wires a real one. Timers run on a manual clock
 * shared with the background's.
 */

import { createHandoffHandlers } from '../../../extension/handoff/handoff-handlers.ts';
import type { SenderClass } from '../../../extension/router/classify-sender.ts';
import { route } from '../../../extension/router/route.ts';
import type { ExtensionCall } from '../../../pwa/features/handoff/handoff-window.ts';
import type { PortTimers, RuntimeConnectLike, RuntimePortLike } from '../../../pwa/platform/wallet-port.ts';
import { EXTENSION_ID } from '../../../shared/protocol/constants.ts';
import { makeEnvelope, parseReply } from '../../../shared/protocol/envelope.ts';
import { WALLET_PORT_NAME } from '../../../shared/protocol/wallet-push.ts';
import type { createBackground } from '../extension/handoff-fixture.ts';

export type Background = ReturnType<typeof createBackground>;

/** setTimeout on the background's clock; `advance` runs what falls due, in order. */
export function manualTimers(clock: { now: number }) {
  let seq = 0;
  const queue = new Map<number, { at: number; fn: () => void }>();
  const timers: PortTimers & { advance(ms: number): Promise<void>; pending(): number } = {
    setTimeout(fn, ms) {
      const id = ++seq;
      queue.set(id, { at: clock.now + Math.max(0, ms), fn });
      return id;
    },
    clearTimeout(handle) {
      queue.delete(handle as number);
    },
    async advance(ms) {
      const end = clock.now + ms;
      for (;;) {
        await settle();
        let next: [number, { at: number; fn: () => void }] | undefined;
        for (const e of queue) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
        if (!next) break;
        queue.delete(next[0]);
        clock.now = Math.max(clock.now, next[1].at);
        next[1].fn();
      }
      clock.now = end;
      await settle();
    },
    pending: () => queue.size,
  };
  return timers;
}

/** Lets pending promise chains (IndexedDB, router) run. */
export async function settle(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

let messageCounter = 0;

/** One wallet window (a PWA tab) as the browser connects it to the extension. */
export function walletWindow(bg: Background, tabId = 50) {
  const handlers = createHandoffHandlers(bg.ctx, bg.sites);
  const from: SenderClass = bg.pwa(tabId);
  const connected: { name: string; extensionId: string }[] = [];
  const ends: { wallet: RuntimePortLike; background: { disconnect(): void }; open: boolean }[] = [];

  const runtime: RuntimeConnectLike = {
    connect(extensionId, { name }) {
      connected.push({ name, extensionId });
      const walletListeners: ((m: unknown) => void)[] = [];
      const walletGone: (() => void)[] = [];
      const entry = { open: true } as (typeof ends)[number];
      const backgroundEnd = {
        postMessage: (m: unknown) => {
          if (!entry.open) throw new Error('Port closed');
          // Structured clone, as the browser does.
          const copy = structuredClone(m);
          queueMicrotask(() => {
            for (const l of walletListeners) l(copy);
          });
        },
        disconnect: () => {
          if (!entry.open) return;
          entry.open = false;
          bg.ctx.wallets.detachPort(backgroundEnd, bg.clock.now);
          for (const l of walletGone) l();
        },
      };
      const walletEnd: RuntimePortLike = {
        postMessage: (m) => {
          if (!entry.open) throw new Error('Port closed');
          const copy = structuredClone(m);
          void route(copy, from, handlers).then((reply) => {
            if (entry.open) backgroundEnd.postMessage(reply);
          });
        },
        disconnect: () => {
          if (!entry.open) return;
          entry.open = false;
          bg.ctx.wallets.detachPort(backgroundEnd, bg.clock.now);
        },
        onMessage: { addListener: (l) => walletListeners.push(l) },
        onDisconnect: { addListener: (l) => walletGone.push(l) },
      };
      // background.ts: a Port of the wallet's origin, from a tab, with our name, is attached.
      if (extensionId !== EXTENSION_ID || name !== WALLET_PORT_NAME) {
        queueMicrotask(() => backgroundEnd.disconnect());
      } else {
        bg.ctx.wallets.attachPort(tabId, backgroundEnd, bg.clock.now);
      }
      entry.wallet = walletEnd;
      entry.background = backgroundEnd;
      ends.push(entry);
      return walletEnd;
    },
  };

  /** `chrome.runtime.sendMessage(EXTENSION_ID, …)` from this tab, through the real router. */
  const call: ExtensionCall = async (kind, payload) => {
    const id = `m${String(++messageCounter).padStart(12, '0')}`;
    const reply = await route(structuredClone(makeEnvelope(kind, payload, id)), from, handlers);
    return parseReply(structuredClone(reply), id);
  };

  return {
    runtime,
    call,
    connected,
    /** The extension's service worker restarted: every Port of this window drops. */
    dropPorts() {
      for (const e of ends) e.background.disconnect();
    },
    openPorts: () => ends.filter((e) => e.open).length,
  };
}

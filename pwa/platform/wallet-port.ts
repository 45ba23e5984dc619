/**
 * The wallet window's long-lived Port to the extension (docs/wallet-extension-protocol.md §1, §3):
 * `chrome.runtime.connect(EXTENSION_ID, { name: WALLET_PORT_NAME })`, which `externally_connectable`
 * opens to the wallet's exact origin only. On it the window
 *
 *  * reports its lock state (`wallet.state`: only `locked` and `unlockedUntil`, SECURITY.md T2) at
 *    connect, on every change and as a heartbeat at most 20 s apart — Chrome stops an extension's
 *    service worker after 30 s without events, and the background counts a window as able to mint
 *    only while it hears from it;
 *  * receives the background's pushes (`handoff.mint`, `handoff.cancelled`, `os.locked`,
 *    `approvals.changed`), each validated with `parsePush` before anything reads it;
 *  * may send requests whose replies come back on the Port, matched by their random id.
 *
 * The Port drops whenever the service worker restarts; it is opened again with a growing delay.
 * Nothing here knows about the vault: the lock state is read through `readState`.
 */
import { EXTENSION_ID } from '../../shared/protocol/constants.ts';
import { makeEnvelope, parseReply } from '../../shared/protocol/envelope.ts';
import type { MessageKind, Payloads, Replies } from '../../shared/protocol/messages.ts';
import { type Push, parsePush, WALLET_PORT_NAME } from '../../shared/protocol/wallet-push.ts';
import { fail, type Result } from '../../shared/result.ts';

/** The subset of `chrome.runtime.Port` used here. */
export type RuntimePortLike = {
  postMessage(message: unknown): void;
  disconnect(): void;
  readonly onMessage: { addListener(listener: (message: unknown) => void): void };
  readonly onDisconnect: { addListener(listener: () => void): void };
};

export type RuntimeConnectLike = {
  connect(extensionId: string, connectInfo: { name: string }): RuntimePortLike;
};

export type WalletLockState = { readonly locked: boolean; readonly unlockedUntil?: number };

export type PortTimers = {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
};

export const WALLET_PORT_TIMING = Object.freeze({
  /** The protocol asks for at least one `wallet.state` every 20 s; 15 s leaves room for a busy tab. */
  HEARTBEAT_MS: 15_000,
  RECONNECT_FIRST_MS: 500,
  RECONNECT_MAX_MS: 30_000,
  REQUEST_TIMEOUT_MS: 30_000,
});

export type WalletPortOptions = {
  /** The vault's lock state now; called for every report. */
  readState(): Promise<WalletLockState>;
  /** A validated push from the background. */
  onPush(push: Push): void;
  /** Connected (true) or dropped (false); for status displays and tests. */
  onConnection?(connected: boolean): void;
  /** Defaults to `chrome.runtime` when the browser exposes it to this page, else none. */
  runtime?: RuntimeConnectLike | null;
  extensionId?: string;
  timers?: PortTimers;
  heartbeatMs?: number;
  randomId?: () => string;
};

export type WalletPort = {
  /** Opens the Port (and keeps it open until `stop`). */
  start(): void;
  stop(): void;
  /** Sends the current lock state now: after an unlock, a lock or a change of the auto-lock deadline. */
  reportState(): Promise<void>;
  /**
   * Sends "locked" at once, without asking the vault: the page reloads right after a lock, so
   * this must leave before it does (protocol §3).
   */
  reportLocked(): void;
  /** One request on the Port; the reply is the one that echoes its id. */
  call<K extends MessageKind>(kind: K, payload: Payloads[K], timeoutMs?: number): Promise<Result<Replies[K]>>;
  readonly connected: boolean;
};

function defaultRuntime(): RuntimeConnectLike | null {
  const rt = (globalThis as { chrome?: { runtime?: Partial<RuntimeConnectLike> } }).chrome?.runtime;
  return rt && typeof rt.connect === 'function' ? (rt as RuntimeConnectLike) : null;
}

const browserTimers: PortTimers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof setTimeout>),
};

function defaultRandomId(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

type Waiter = { resolve(r: Result<unknown>): void; timer: unknown };

/** The background answers `wallet.state` at once; a longer wait means it is restarting. */
const STATE_REPLY_TIMEOUT_MS = 5_000;

export function createWalletPort(options: WalletPortOptions): WalletPort {
  const runtime = options.runtime === undefined ? defaultRuntime() : options.runtime;
  const extensionId = options.extensionId ?? EXTENSION_ID;
  const timers = options.timers ?? browserTimers;
  const heartbeatMs = Math.min(options.heartbeatMs ?? WALLET_PORT_TIMING.HEARTBEAT_MS, 20_000);
  const randomId = options.randomId ?? defaultRandomId;

  let port: RuntimePortLike | null = null;
  let running = false;
  let heartbeat: unknown;
  let reconnect: unknown;
  let reconnectDelay: number = WALLET_PORT_TIMING.RECONNECT_FIRST_MS;
  const waiting = new Map<string, Waiter>();

  const setConnected = (next: RuntimePortLike | null) => {
    const was = port !== null;
    port = next;
    if (was !== (next !== null)) options.onConnection?.(next !== null);
  };

  const post = (message: unknown): boolean => {
    if (!port) return false;
    try {
      port.postMessage(message);
      return true;
    } catch {
      // The Port is closing; onDisconnect follows and reconnects.
      return false;
    }
  };

  const stateEnvelope = (state: WalletLockState) =>
    makeEnvelope(
      'wallet.state',
      state.locked || state.unlockedUntil === undefined || !Number.isFinite(state.unlockedUntil)
        ? { locked: true }
        : { locked: false, unlockedUntil: Math.max(0, Math.floor(state.unlockedUntil)) },
      randomId(),
    );

  /** Sends the lock state and waits for the background's reply (a refresh token needs it heard). */
  async function reportState(): Promise<void> {
    if (!port) return;
    let state: WalletLockState;
    try {
      state = await options.readState();
    } catch {
      // The vault did not answer (its worker is gone): nothing can be minted from here.
      state = { locked: true };
    }
    const envelope = stateEnvelope(state);
    await call('wallet.state', envelope.payload, STATE_REPLY_TIMEOUT_MS);
  }

  const scheduleHeartbeat = () => {
    if (heartbeat !== undefined) timers.clearTimeout(heartbeat);
    heartbeat = timers.setTimeout(() => {
      heartbeat = undefined;
      if (!running) return;
      void reportState().finally(() => {
        if (running) scheduleHeartbeat();
      });
    }, heartbeatMs);
  };

  const onMessage = (message: unknown) => {
    if (typeof message !== 'object' || message === null) return;
    if ('push' in message) {
      const push = parsePush(message);
      if (push.ok) options.onPush(push.value);
      return;
    }
    const id = (message as { id?: unknown }).id;
    if (typeof id !== 'string') return;
    const w = waiting.get(id);
    if (!w) return; // our own wallet.state replies, or a reply after its timeout
    waiting.delete(id);
    timers.clearTimeout(w.timer);
    w.resolve(parseReply(message, id));
  };

  const scheduleReconnect = () => {
    if (!running || reconnect !== undefined) return;
    const delay = reconnectDelay;
    reconnectDelay = Math.min(reconnectDelay * 2, WALLET_PORT_TIMING.RECONNECT_MAX_MS);
    reconnect = timers.setTimeout(() => {
      reconnect = undefined;
      connect();
    }, delay);
  };

  function connect() {
    if (!running || port || !runtime) return;
    let p: RuntimePortLike;
    try {
      p = runtime.connect(extensionId, { name: WALLET_PORT_NAME });
    } catch {
      // No extension (or it is being updated): try again later.
      scheduleReconnect();
      return;
    }
    p.onMessage.addListener(onMessage);
    p.onDisconnect.addListener(() => {
      if (port !== p) return;
      setConnected(null);
      // Requests on this Port will never be answered.
      for (const [id, w] of waiting) {
        timers.clearTimeout(w.timer);
        waiting.delete(id);
        w.resolve(fail('EXTENSION_MISSING', { detail: 'the Port closed' }));
      }
      scheduleReconnect();
    });
    setConnected(p);
    reconnectDelay = WALLET_PORT_TIMING.RECONNECT_FIRST_MS;
    void reportState();
    scheduleHeartbeat();
  }

  function call<K extends MessageKind>(
    kind: K,
    payload: Payloads[K],
    timeoutMs?: number,
  ): Promise<Result<Replies[K]>> {
    const id = randomId();
    return new Promise<Result<Replies[K]>>((resolve) => {
      if (!port) return resolve(fail('EXTENSION_MISSING', { detail: 'no Port' }));
      const timer = timers.setTimeout(() => {
        waiting.delete(id);
        resolve(fail('TIMEOUT', { detail: kind }));
      }, timeoutMs ?? WALLET_PORT_TIMING.REQUEST_TIMEOUT_MS);
      waiting.set(id, { resolve: resolve as (r: Result<unknown>) => void, timer });
      if (!post(makeEnvelope(kind, payload, id))) {
        timers.clearTimeout(timer);
        waiting.delete(id);
        resolve(fail('EXTENSION_MISSING', { detail: 'the Port closed' }));
      }
    });
  }

  return {
    start() {
      if (running) return;
      running = true;
      connect();
    },
    stop() {
      running = false;
      if (heartbeat !== undefined) timers.clearTimeout(heartbeat);
      if (reconnect !== undefined) timers.clearTimeout(reconnect);
      heartbeat = reconnect = undefined;
      const p = port;
      setConnected(null);
      try {
        p?.disconnect();
      } catch {
        // already gone
      }
    },
    reportState,
    reportLocked() {
      post(stateEnvelope({ locked: true }));
    },
    call,
    get connected() {
      return port !== null;
    },
  };
}

/**
 * Our content script in an ERP page the user enabled: the page protocol (erp-page-protocol.ts,
 * docs/erp-integration.md) on one side, the background on the other. It is untrusted territory
 * (SECURITY.md §1): it holds nothing, decides nothing, and only relays a trusted click as
 * `handoff.request` and the background's answers to the page's own MessagePort.
 */
import { PROTOCOL, PROTOCOL_VERSION } from '../../shared/protocol/constants.ts';
import { type ContentStatusReply, readContentMessage } from '../../shared/protocol/content-messages.ts';
import {
  type PageErrorCode,
  type PageWant,
  pageErrorFor,
  pageMessage,
  readHello,
  readOptInAttributes,
} from '../../shared/protocol/erp-page-protocol.ts';
import { type LoginButton, mountLoginButton } from './login-button.ts';

/** The subset of chrome.runtime the content script uses. */
export type ContentRuntime = {
  readonly id: string;
  sendMessage(message: unknown): Promise<unknown>;
  readonly onMessage: {
    addListener(
      cb: (
        message: unknown,
        sender: { id?: string; tab?: unknown },
        respond: (r: unknown) => void,
      ) => boolean | undefined,
    ): void;
  };
};

/** The page's opt-in element: `<ksef-wallet-login nip="…" environment="…"></ksef-wallet-login>`. */
export const OPT_IN_SELECTOR = 'ksef-wallet-login';
/** The content script gives up on an answer after the longest wait the background allows, plus a margin. */
const ANSWER_TIMEOUT_MS = 6 * 60_000;

const LABELS = {
  pl: { idle: 'Zaloguj do KSeF', busy: 'Łączę z portfelem…' },
  en: { idle: 'Log in to KSeF', busy: 'Connecting to the wallet…' },
};

export function startErpLogin(runtime: ContentRuntime): void {
  // Top frame only (SECURITY.md T8); the registration says so too, this holds for injected runs.
  if (window.top !== window) return;
  const started = Symbol.for('ksef-wallet.erp-login');
  const scope = globalThis as unknown as Record<symbol, boolean>;
  if (scope[started]) return;
  scope[started] = true;

  const labels = (document.documentElement.lang || navigator.language).toLowerCase().startsWith('en')
    ? LABELS.en
    : LABELS.pl;
  let port: MessagePort | null = null;
  let want: PageWant = {};
  const buttons = new Map<Element | null, LoginButton>();
  const requested = new Set<string>();
  /** Reference numbers of the sessions this document received: later notices are only about those. */
  const received = new Set<string>();
  let waiting: ReturnType<typeof setTimeout> | undefined;

  const post = (message: object) => port?.postMessage(message);
  const setBusy = (value: boolean) => {
    for (const b of buttons.values()) b.setBusy(value);
  };
  const failed = (code: PageErrorCode, retryAfterSeconds?: number) => {
    clearTimeout(waiting);
    setBusy(false);
    post(pageMessage.error(code, retryAfterSeconds));
  };

  async function request(target: PageWant, extra: { trigger: 'button' | 'popup'; intentId?: string }) {
    setBusy(true);
    const id = randomId();
    const payload = {
      ...(target.nip !== undefined ? { nip: target.nip } : {}),
      ...(target.environment !== undefined ? { environment: target.environment } : {}),
      wantRefresh: want.refresh === true,
      ...extra,
    };
    let reply: unknown;
    try {
      reply = await runtime.sendMessage({
        protocol: PROTOCOL,
        v: PROTOCOL_VERSION,
        id,
        kind: 'handoff.request',
        payload,
      });
    } catch {
      return failed('wallet-error');
    }
    const r = reply as {
      protocol?: unknown;
      v?: unknown;
      id?: unknown;
      ok?: unknown;
      value?: unknown;
      error?: unknown;
    };
    if (
      typeof r !== 'object' ||
      r === null ||
      r.protocol !== PROTOCOL ||
      r.v !== PROTOCOL_VERSION ||
      r.id !== id
    )
      return failed('wallet-error');
    if (r.ok !== true) {
      const e = (r.error ?? {}) as { code?: unknown; retryAfterMs?: unknown };
      const after = typeof e.retryAfterMs === 'number' ? Math.ceil(e.retryAfterMs / 1000) : undefined;
      return failed(pageErrorFor(typeof e.code === 'string' ? e.code : ''), after);
    }
    const value = r.value as { handoffId?: unknown; stage?: unknown };
    if (typeof value?.handoffId !== 'string') return failed('wallet-error');
    requested.add(value.handoffId);
    post(pageMessage.status(value.stage === 'wallet' ? 'logging-in' : 'waiting-for-user'));
    clearTimeout(waiting);
    waiting = setTimeout(() => failed('timeout'), ANSWER_TIMEOUT_MS);
  }

  function mountButtons() {
    const anchors = [...document.querySelectorAll(OPT_IN_SELECTOR)];
    // An opt-in element with invalid attributes gets no button (the page learns nothing either way).
    const targets: [Element | null, PageWant][] = anchors.length
      ? anchors.flatMap((el): [Element, PageWant][] => {
          const w = readOptInAttributes(el.getAttribute('nip'), el.getAttribute('environment'));
          return w ? [[el, { ...want, ...w }]] : [];
        })
      : [[null, want]];
    for (const [anchor, target] of targets) {
      if (buttons.has(anchor)) continue;
      buttons.set(
        anchor,
        mountLoginButton({
          anchor,
          labels,
          openShadowRoot,
          onActivate: () => void request(target, { trigger: 'button' }),
        }),
      );
    }
  }

  window.addEventListener('message', (event) => {
    // Only the page's own script, once per document: the port it hands over is where sessions go.
    if (port !== null || event.source !== window || event.origin !== location.origin) return;
    const hello = readHello(event.data);
    if (hello === null || event.ports.length !== 1) return;
    port = event.ports[0]!;
    want = hello;
    port.postMessage(pageMessage.ready());
    mountButtons();
    // Opt-in elements the page adds later (single-page apps) get their buttons too.
    // Checked once per frame at most, however busy the page's DOM is.
    let scheduled = false;
    new MutationObserver(() => {
      if (scheduled) return;
      scheduled = true;
      requestAnimationFrame(() => {
        scheduled = false;
        for (const [anchor, b] of buttons) {
          if (anchor === null || anchor.isConnected) continue;
          b.destroy();
          buttons.delete(anchor);
        }
        if (!document.querySelector(OPT_IN_SELECTOR)) return;
        buttons.get(null)?.destroy();
        buttons.delete(null);
        mountButtons();
      });
    }).observe(document.documentElement, { childList: true, subtree: true });
  });

  runtime.onMessage.addListener((raw, sender, respond) => {
    // From our background or popup only: our extension, not from a tab.
    if (sender.id !== runtime.id || sender.tab !== undefined) return false;
    const m = readContentMessage(raw);
    if (m === null) return false;
    switch (m.kind) {
      case 'cs.deliver': {
        const mine = port !== null && requested.delete(m.handoffId);
        if (mine) {
          clearTimeout(waiting);
          setBusy(false);
          received.add(m.session.referenceNumber);
          post(pageMessage.session(m.session));
        }
        respond({ delivered: mine });
        return false;
      }
      case 'cs.failed':
        if (requested.delete(m.handoffId)) failed(m.code, m.retryAfterSeconds);
        return false;
      case 'cs.progress':
        if (requested.has(m.handoffId)) post(pageMessage.status(m.state));
        return false;
      case 'cs.refreshed': {
        const mine = port !== null && received.has(m.referenceNumber);
        if (mine) post(pageMessage.refreshed(m.referenceNumber, m.accessToken, m.accessTokenValidUntil));
        respond({ delivered: mine });
        return false;
      }
      case 'cs.ended': {
        const mine = port !== null && received.delete(m.referenceNumber);
        if (mine) post(pageMessage.ended(m.referenceNumber, m.reason));
        respond({ delivered: mine });
        return false;
      }
      case 'cs.popup-login':
        respond({ accepted: port !== null });
        if (port !== null)
          void request(
            { nip: m.nip, environment: m.environment },
            { trigger: 'popup', intentId: m.intentId },
          );
        return false;
      case 'cs.status': {
        const status: ContentStatusReply = {
          ready: port !== null,
          want:
            port === null
              ? null
              : {
                  ...(want.nip ? { nip: want.nip } : {}),
                  ...(want.environment ? { environment: want.environment } : {}),
                },
        };
        respond(status);
        return false;
      }
    }
  });

  // A page that said hello before we were injected (enabled just now) says it again.
  window.postMessage(pageMessage.present(), location.origin);
}

/**
 * The page's closed shadow roots, which hide their slots from `assignedSlot`: the button's check of
 * masks walks the rendered tree through them (rendered-ancestors.ts). chrome.dom exists in content
 * scripts only (Chromium 88+); elsewhere nothing can be opened.
 */
function openShadowRoot(element: Element): ShadowRoot | null {
  if (typeof chrome === 'undefined' || !(element instanceof HTMLElement)) return null;
  return chrome.dom?.openOrClosedShadowRoot(element) ?? null;
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

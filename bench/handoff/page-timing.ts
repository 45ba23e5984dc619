/**
 * Timing one hand-off inside the demo ERP page itself, on the page's own clock, so that neither
 * the CDP round trips of puppeteer nor its polling are part of the figure:
 *
 *   start — the `timeStamp` of the trusted `click` on our login button (the moment Chromium
 *           received the input, on the page's performance clock), seen by a capture listener on
 *           `window`: capture runs before the button's own listener, and a click inside the
 *           closed shadow root reaches `window` retargeted to the button's host element;
 *   end   — the moment the demo ERP shows the session (its `#session` box loses `hidden`, in the
 *           same task as its `onSession` callback), from a MutationObserver;
 *   accepted — the page's status "logging-in": the extension took the request (content script →
 *           background → its answer), the rest is the wallet's login and the delivery;
 *   proof — the moment the demo ERP's own server call to KSeF (`GET /auth/sessions`) says whether
 *           the session is the current one (`#proof` data-state ok or error).
 *
 * A click before the button is armed (800 ms fully visible, SECURITY.md T8) does nothing, so the
 * bench may click again; the click that counts is the last one before the page's status first
 * left "ready" (only an acting click makes it leave). The probe is pure recording; the arithmetic
 * is `timingOf`, which tests/unit/bench checks with fixed observations.
 */

/** What the page recorded (all times on its performance clock, ms). */
export type PageObservations = {
  /** `timeStamp` of every trusted click on the login button's host. */
  readonly clicks: readonly number[];
  /** Every change of the demo ERP's `wallet-status` data-state. */
  readonly statuses: readonly { readonly at: number; readonly state: string }[];
  readonly sessionAt: number | null;
  readonly provedAt: number | null;
  readonly proofState: string | null;
};

export type PageTiming =
  | {
      readonly ok: true;
      /** Click → session shown in the demo ERP. */
      readonly handoffMs: number;
      /** Click → the page heard that the extension took the request ("logging-in"), if it did. */
      readonly acceptedMs: number | null;
      /** Click → the demo ERP's own KSeF check answered (null if it has not yet). */
      readonly provedMs: number | null;
      readonly proofState: string | null;
      /** Clicks before the one that acted (the button was not armed yet). */
      readonly unarmedClicks: number;
    }
  | { readonly ok: false; readonly error: string };

export function timingOf(o: PageObservations): PageTiming {
  const left = o.statuses.find((s) => s.state !== 'ready');
  if (!left) return { ok: false, error: o.clicks.length === 0 ? 'NO_CLICK' : 'NOT_ARMED' };
  const acting = o.clicks.filter((c) => c <= left.at);
  const start = acting[acting.length - 1];
  if (start === undefined) return { ok: false, error: 'NO_CLICK' };
  // A window means the wallet asked the user: not the one-click path this figure is about.
  if (o.statuses.some((s) => s.state === 'waiting-for-user')) return { ok: false, error: 'WINDOW_OPENED' };
  if (o.sessionAt === null)
    return { ok: false, error: o.statuses.some((s) => s.state === 'error') ? 'PAGE_ERROR' : 'NO_SESSION' };
  const accepted = o.statuses.find((s) => s.state === 'logging-in');
  return {
    ok: true,
    handoffMs: o.sessionAt - start,
    acceptedMs: accepted ? accepted.at - start : null,
    provedMs: o.provedAt === null ? null : o.provedAt - start,
    proofState: o.proofState,
    unarmedClicks: acting.length - 1,
  };
}

/**
 * Installed in the demo ERP's main world before its scripts run (CDP
 * Page.addScriptToEvaluateOnNewDocument: the page's CSP does not apply to it). It only listens.
 */
export function installPageProbe(): void {
  const probe = {
    clicks: [] as number[],
    statuses: [] as { at: number; state: string }[],
    sessionAt: null as number | null,
    provedAt: null as number | null,
    proofState: null as string | null,
  };
  (window as unknown as { __handoffBench: typeof probe }).__handoffBench = probe;
  window.addEventListener(
    'click',
    (e) => {
      const t = e.target;
      if (e.isTrusted && t instanceof Element && t.getAttribute('data-ksef-wallet') === 'login-button')
        probe.clicks.push(e.timeStamp);
    },
    true,
  );
  new MutationObserver((records) => {
    const now = performance.now();
    // Several changes of one attribute can arrive in one batch: the value a record set is the
    // next record's old value (same element and attribute), or the current one for the last.
    const valueSetBy = (i: number): string | null => {
      const r = records[i]!;
      for (let j = i + 1; j < records.length; j++) {
        const later = records[j]!;
        if (later.target === r.target && later.attributeName === r.attributeName) return later.oldValue;
      }
      return (r.target as Element).getAttribute(r.attributeName!);
    };
    records.forEach((r, i) => {
      const id = (r.target as Element).id;
      const value = valueSetBy(i);
      if (id === 'wallet-status' && r.attributeName === 'data-state')
        probe.statuses.push({ at: now, state: value ?? '' });
      else if (id === 'session' && r.attributeName === 'hidden' && value === null) probe.sessionAt ??= now;
      else if (id === 'proof' && r.attributeName === 'data-state' && probe.provedAt === null)
        if (value === 'ok' || value === 'error') {
          probe.provedAt = now;
          probe.proofState = value;
        }
    });
  }).observe(document, {
    subtree: true,
    attributes: true,
    attributeOldValue: true,
    attributeFilter: ['data-state', 'hidden'],
  });
}

/**
 * The "Log in to KSeF" button we inject into an ERP page: in a closed shadow root (the page cannot
 * reach the button or its label), armed by IntersectionObserver v2 and acting only on a trusted
 * pointerdown + click on the same target (arming.ts, SECURITY.md T8). Written by hand rather than
 * with WXT's createShadowRootUi or preact: the content script must stay a few KiB (STYLE.md §2).
 */
import { type Arming, createArming } from './arming.ts';

export type ButtonLabels = { readonly idle: string; readonly busy: string };
export type LoginButton = {
  readonly host: HTMLElement;
  setBusy(busy: boolean): void;
  destroy(): void;
};

// Nothing here may lower opacity, transform or filter the button: IntersectionObserver v2 would
// (rightly) call it invisible and it would never arm.
const CSS = `
:host { all: initial; }
button {
  all: initial; box-sizing: border-box; display: inline-flex; align-items: center; gap: .5em;
  min-height: 40px; padding: 0 16px; border-radius: 6px; cursor: pointer;
  font: 600 14px/1 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: #fff; background: #0b4f9c; border: 2px solid #0b4f9c;
}
button:hover { background: #0a4385; }
button:focus-visible { outline: 3px solid #f2b705; outline-offset: 2px; }
button[aria-busy="true"] { cursor: progress; background: #3c5f86; border-color: #3c5f86; }
`;

type FullVisibilityEntry = IntersectionObserverEntry & { readonly isVisible?: boolean };

export function mountLoginButton(options: {
  /** The page's opt-in element to render into, or null for the small floating button. */
  readonly anchor: Element | null;
  readonly labels: ButtonLabels;
  readonly onActivate: () => void;
  readonly now?: () => number;
}): LoginButton {
  const now = options.now ?? (() => performance.now());
  const arming: Arming = createArming(now);
  const host = document.createElement('div');
  // A stable, non-secret hook for the ERP's layout (docs/erp-integration.md); nothing inside is reachable.
  host.setAttribute('data-ksef-wallet', 'login-button');
  const placement: Record<string, string> = options.anchor
    ? { display: 'inline-block' }
    : { position: 'fixed', right: '16px', bottom: '16px', 'z-index': '2147483647' };
  for (const [k, val] of Object.entries(placement)) host.style.setProperty(k, val, 'important');

  const root = host.attachShadow({ mode: 'closed' });
  // A constructed stylesheet is not subject to the page's style-src CSP, unlike a <style> element.
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(CSS);
  root.adoptedStyleSheets = [sheet];
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = options.labels.idle;
  root.append(button);

  let busy = false;
  const unobstructed = (e: MouseEvent) =>
    document.elementFromPoint(e.clientX, e.clientY) === host &&
    button.contains(root.elementFromPoint(e.clientX, e.clientY));
  const onPointerDown = (e: PointerEvent) => {
    e.stopPropagation();
    arming.pointerDown({ isTrusted: e.isTrusted && e.button === 0 && unobstructed(e), target: e.target });
  };
  const onClick = (e: MouseEvent) => {
    e.stopPropagation();
    if (!arming.click({ isTrusted: e.isTrusted && unobstructed(e), target: e.target }) || busy) return;
    options.onActivate();
  };
  button.addEventListener('pointerdown', onPointerDown);
  button.addEventListener('click', onClick);

  const observer = new IntersectionObserver(
    (entries) => {
      const last = entries[entries.length - 1] as FullVisibilityEntry | undefined;
      if (last) arming.visibility(last.isVisible === true && last.intersectionRatio >= 0.99);
    },
    // trackVisibility / delay are IntersectionObserver v2 (Chromium); the DOM typings predate them.
    { threshold: [1], trackVisibility: true, delay: 100 } as IntersectionObserverInit,
  );
  observer.observe(button);

  // A box that changes between frames is a move: arming starts again (re-armed after moves).
  let lastBox = '';
  let frame = 0;
  const watch = () => {
    const r = button.getBoundingClientRect();
    const box = `${r.x},${r.y},${r.width},${r.height}`;
    if (box !== lastBox) {
      if (lastBox !== '') arming.moved();
      lastBox = box;
    }
    frame = requestAnimationFrame(watch);
  };
  frame = requestAnimationFrame(watch);

  (options.anchor ?? document.body ?? document.documentElement).append(host);

  return {
    host,
    setBusy(value) {
      busy = value;
      button.setAttribute('aria-busy', String(value));
      button.textContent = value ? options.labels.busy : options.labels.idle;
    },
    destroy() {
      observer.disconnect();
      cancelAnimationFrame(frame);
      button.removeEventListener('pointerdown', onPointerDown);
      button.removeEventListener('click', onClick);
      host.remove();
    },
  };
}

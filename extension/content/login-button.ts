/**
 * The "Log in to KSeF" button we inject into an ERP page: in a closed shadow root (the page cannot
 * reach the button or its label), armed by IntersectionObserver v2 and acting only on a trusted
 * pointerdown + click on the same target (arming.ts, SECURITY.md T8), and only while nothing that
 * IO v2 cannot see — a mask, an SVG clip or filter, a zoom to a few pixels — conceals it
 * (concealment.ts). Written by hand rather than with WXT's createShadowRootUi or preact: the
 * content script must stay a few KiB (STYLE.md §2).
 */
import { type Arming, createArming } from './arming.ts';
import { concealingEffect, illegibility, outlineCovers } from './concealment.ts';
import { renderedAncestors, type ShadowRootOpener } from './rendered-ancestors.ts';

export type ButtonLabels = { readonly idle: string; readonly busy: string };
export type LoginButton = {
  readonly host: HTMLElement;
  setBusy(busy: boolean): void;
  destroy(): void;
};

const PLACEMENT = Object.freeze({
  inline: 'display: inline-block !important;',
  floating:
    'display: block !important; position: fixed !important; right: 16px !important; bottom: 16px !important; top: auto !important; left: auto !important; margin: 0 !important; z-index: 2147483647 !important;',
});

// The page styles our host from outside, and text styles would inherit through it into the button:
// - On the host, everything that paints or sizes it is `!important`: for !important declarations
//   the shadow tree's own rules win over the page's, its !important rules and the style attribute
//   included (CSS Cascade 4, "context"), so no page rule masks, zooms, clips, fades or shrinks the
//   host. The rest is a plain `all: initial`, which the page's rules do beat: margins and the like
//   stay the ERP's to position the host (docs/erp-integration.md §5.2). What is missed here the
//   checks of concealment.ts still refuse.
// - `button { all: initial }` and then every property the label needs, so nothing inherited through
//   the host matters (`all` leaves out direction and unicode-bidi: set too); font families are
//   generic keywords only, a page's @font-face cannot redefine those (it can any named family).
// Nothing here may lower opacity, transform or filter the button: IntersectionObserver v2 would
// (rightly) call it invisible and it would never arm.
const css = (placement: string) => `
:host {
  all: initial; ${placement}
  direction: ltr !important; unicode-bidi: isolate !important;
  opacity: 1 !important; visibility: visible !important; filter: none !important;
  backdrop-filter: none !important; mix-blend-mode: normal !important;
  mask: none !important; -webkit-mask-box-image: none !important; clip-path: none !important;
  outline: none !important; contain: none !important;
  clip: auto !important; transform: none !important; rotate: none !important; scale: none !important;
  zoom: 1 !important; overflow: visible !important; content-visibility: visible !important;
  width: auto !important; height: auto !important; min-width: 0 !important; min-height: 0 !important;
  max-width: none !important; max-height: none !important;
}
button {
  all: initial; box-sizing: border-box; display: inline-flex; align-items: center; justify-content: center;
  gap: .5em; min-width: 128px; min-height: 40px; padding: 0 16px; border-radius: 6px; cursor: pointer;
  direction: ltr; unicode-bidi: isolate; visibility: visible; opacity: 1; white-space: nowrap;
  font: 600 14px/1 system-ui, sans-serif; letter-spacing: normal; text-indent: 0;
  color: #fff; -webkit-text-fill-color: #fff; background: #0b4f9c; border: 2px solid #0b4f9c;
}
button:hover { background: #0a4385; }
button:focus-visible { outline: 3px solid #f2b705; outline-offset: 2px; }
button[aria-busy="true"] { cursor: progress; background: #3c5f86; border-color: #3c5f86; }
`;

/**
 * Why the button is concealed or unreadable right now (concealment.ts), or null. Runs every frame:
 * about 0.1 ms with 10–30 ancestors, 0.3–0.4 ms with 100 (Chromium 156 on a busy 2-core machine;
 * most of it is the ~0.6 µs of each computed-style read).
 */
export function concealmentOf(
  host: Element,
  button: Element,
  buttonStyle: CSSStyleDeclaration,
  openShadowRoot: ShadowRootOpener,
): string | null {
  const chain = renderedAncestors(host, openShadowRoot);
  const styles = chain.map((el) => getComputedStyle(el));
  let outlined = -1;
  for (const [i, style] of styles.entries()) {
    const effect = concealingEffect(style);
    if (effect !== null) return effect;
    if (style.getPropertyValue('outline-style') !== 'none') outlined = i;
  }
  const box = button.getBoundingClientRect();
  // Outlines are rare: boxes and the effective zoom (the product of every zoom above, from the
  // top) are looked at only when some element has one, and only up to the lowest such element.
  let zoom = 1;
  for (let i = chain.length - 1; outlined >= 0 && i >= outlined; i--) {
    const style = styles[i]!;
    zoom *= Number.parseFloat(style.getPropertyValue('zoom')) || 1;
    if (
      style.getPropertyValue('outline-style') !== 'none' &&
      outlineCovers(style, zoom, [...chain[i]!.getClientRects()], box)
    )
      return 'outline';
  }
  return illegibility({ style: buttonStyle, width: box.width, height: box.height });
}

type FullVisibilityEntry = IntersectionObserverEntry & { readonly isVisible?: boolean };

export function mountLoginButton(options: {
  /** The page's opt-in element to render into, or null for the small floating button. */
  readonly anchor: Element | null;
  readonly labels: ButtonLabels;
  readonly onActivate: () => void;
  /** chrome.dom.openOrClosedShadowRoot in the content script: closed shadow roots hide their slots. */
  readonly openShadowRoot?: ShadowRootOpener;
  readonly now?: () => number;
}): LoginButton {
  const now = options.now ?? (() => performance.now());
  const arming: Arming = createArming(now);
  const host = document.createElement('div');
  // A stable, non-secret hook for the ERP's layout (docs/erp-integration.md); nothing inside is reachable.
  host.setAttribute('data-ksef-wallet', 'login-button');
  const openShadowRoot = options.openShadowRoot ?? (() => null);

  const root = host.attachShadow({ mode: 'closed' });
  // A constructed stylesheet is not subject to the page's style-src CSP, unlike a <style> element.
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css(options.anchor ? PLACEMENT.inline : PLACEMENT.floating));
  root.adoptedStyleSheets = [sheet];
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = options.labels.idle;
  root.append(button);
  const buttonStyle = getComputedStyle(button);

  // Checked again at the press itself: a :hover rule can mask the button as the pointer arrives,
  // between two frames.
  const checkConcealment = () =>
    arming.concealment(concealmentOf(host, button, buttonStyle, openShadowRoot) !== null);

  let busy = false;
  const unobstructed = (e: MouseEvent) =>
    document.elementFromPoint(e.clientX, e.clientY) === host &&
    button.contains(root.elementFromPoint(e.clientX, e.clientY));
  const onPointerDown = (e: PointerEvent) => {
    e.stopPropagation();
    checkConcealment();
    arming.pointerDown({ isTrusted: e.isTrusted && e.button === 0 && unobstructed(e), target: e.target });
  };
  const onClick = (e: MouseEvent) => {
    e.stopPropagation();
    checkConcealment();
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

  // A box that changes between frames is a move: arming starts again (re-armed after moves). Styles
  // are checked every frame too: a stylesheet edit, an animation or a :hover rule changes them
  // without any DOM mutation an observer would see.
  let lastBox = '';
  let frame = 0;
  const watch = () => {
    checkConcealment();
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
  checkConcealment();

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

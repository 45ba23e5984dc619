/**
 * When may a click on our injected button act? (SECURITY.md T8, clickjacking.) Pure and clocked
 * from outside, so the rules are tested with a fake clock; login-button.ts feeds it the browser's
 * observations.
 *
 * - Armed only after the button has been fully visible — IntersectionObserver v2 `isVisible`,
 *   which is false under any opacity < 1, filter, clip, non-translation transform or overlapping
 *   content (pointer-events:none overlays included) — for at least 800 ms without moving.
 * - Not concealed either (concealment.ts: masks, SVG clip and filter references, zoom to a few
 *   pixels — what IO v2 does not see), checked every frame: the 800 ms count only while both hold,
 *   so a page cannot mask the button and lift the mask at the press.
 * - A move (its box changed) restarts the 800 ms: a page cannot slide the button under the pointer.
 * - Only a trusted `pointerdown` followed by a trusted `click` on the same target acts, and only
 *   when the button was armed at the pointerdown and still is at the click.
 */
export const ARMING = Object.freeze({
  VISIBLE_MS: 800,
  /** A click long after its pointerdown is not the same gesture. */
  MAX_PRESS_MS: 5_000,
});

export type Observation = { readonly isTrusted: boolean; readonly target: unknown };

export function createArming(now: () => number) {
  let fullyVisible = false;
  // Until login-button.ts says otherwise; it checks once, synchronously, when it mounts the button,
  // before IntersectionObserver can report anything.
  let concealed = false;
  let visibleSince: number | null = null;
  let press: { target: unknown; at: number } | null = null;

  const armed = () => visibleSince !== null && now() - visibleSince >= ARMING.VISIBLE_MS;
  const update = () => {
    if (fullyVisible && !concealed) visibleSince ??= now();
    else {
      visibleSince = null;
      press = null;
    }
  };

  return {
    /** From IntersectionObserver v2: fully visible (isVisible and ratio 1) or not. */
    visibility(isFullyVisible: boolean): void {
      fullyVisible = isFullyVisible;
      update();
    },
    /** From the per-frame check of what IO v2 does not see (concealment.ts): concealed or not. */
    concealment(isConcealed: boolean): void {
      concealed = isConcealed;
      update();
    },
    /** The button's box changed (scroll, layout, the page moving it): start counting again. */
    moved(): void {
      if (visibleSince !== null) visibleSince = now();
      press = null;
    },
    isArmed: armed,
    pointerDown(e: Observation): void {
      press = e.isTrusted && armed() ? { target: e.target, at: now() } : null;
    },
    /** True when this click may act; every click consumes the press. */
    click(e: Observation): boolean {
      const p = press;
      press = null;
      return (
        e.isTrusted && p !== null && p.target === e.target && now() - p.at <= ARMING.MAX_PRESS_MS && armed()
      );
    },
  };
}

export type Arming = ReturnType<typeof createArming>;

/**
 * Ways a page can hide or shrink our injected button that IntersectionObserver v2 does not report
 * (SECURITY.md T8). `isVisible` accounts for opacity, filters it knows, transforms and occlusion —
 * not for CSS masks (`mask`, `-webkit-mask-*`, `-webkit-mask-box-image`), SVG `clip-path: url(#…)`
 * or `filter: url(#…)` references, nor for `zoom`, which shrinks the button to a few pixels without
 * any transform, nor for an ancestor's outline, which is painted above its descendants and with a
 * negative outline-offset (or around a box the button overflows) covers them. A real click on
 * such a button is a click the user did not mean (T8).
 *
 * Pure: it reads computed styles and boxes handed in by login-button.ts, so the rules run in Node.
 */

/** The few members of CSSStyleDeclaration the rules read. */
export type StyleReader = { getPropertyValue(property: string): string };

/**
 * Paint effects refused on the host and on every element that renders it. Chromium serialises the
 * aliases under one name: `mask` and `-webkit-mask-image` under `mask-image`, the prefixed
 * `-webkit-mask-box-image` (Chromium's mask-border) under its `-source` longhand. A browser without
 * a property answers '' for it, which counts as none.
 */
export const CONCEALING_EFFECTS = Object.freeze([
  'mask-image',
  '-webkit-mask-box-image-source',
  // Not in Chromium 156 (answers ''); read so that a browser shipping it is covered the day it does.
  'mask-border-source',
  // Any clip-path: IO v2 misses url(#…) references to an SVG <clipPath>, and an ERP has no reason
  // to clip the ancestors of a login button.
  'clip-path',
  // IO v2 refuses CSS filter functions; an SVG filter reference can make the content transparent.
  'filter',
] as const);

export type ConcealingEffect = (typeof CONCEALING_EFFECTS)[number];

/** The first concealing effect of one element's computed style, or null. */
export function concealingEffect(style: StyleReader): ConcealingEffect | null {
  for (const property of CONCEALING_EFFECTS) {
    const value = style.getPropertyValue(property).trim();
    if (value !== '' && value !== 'none') return property;
  }
  return null;
}

export type Rect = {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
};

/**
 * Whether an element's outline can be painted over the button. Outlines are painted after the
 * element's descendants (CSS 2.1 Appendix E), in a ring from `outline-offset` to offset + width
 * outside each of its boxes (`fragments`: getClientRects, in viewport px). The button is safe from a
 * fragment when it lies inside the ring (an ERP's focus ring around its toolbar, offset ≥ 0) or
 * wholly outside it. Computed lengths are before zoom, boxes after: `zoom` is the element's
 * effective zoom. Unparsable values count as covering.
 */
export function outlineCovers(
  style: StyleReader,
  zoom: number,
  fragments: readonly Rect[],
  button: Rect,
): boolean {
  const outlineStyle = style.getPropertyValue('outline-style');
  if (outlineStyle === 'none' || outlineStyle === '') return false;
  const width = Number.parseFloat(style.getPropertyValue('outline-width'));
  if (width === 0) return false;
  const offset = Number.parseFloat(style.getPropertyValue('outline-offset') || '0');
  if (!Number.isFinite(width) || !Number.isFinite(offset) || !(zoom > 0)) return true;
  // One px each way for antialiasing at the ring's edges.
  return fragments.some((box) => {
    const inner = grow(box, offset * zoom - 1);
    const outer = grow(box, Math.max(offset + width, 0) * zoom + 1);
    return intersects(outer, button) && !contains(inner, button);
  });
}

const grow = (r: Rect, by: number): Rect => ({
  left: r.left - by,
  top: r.top - by,
  right: r.right + by,
  bottom: r.bottom + by,
});
const intersects = (a: Rect, b: Rect) =>
  a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
const contains = (outer: Rect, inner: Rect) =>
  outer.left <= inner.left &&
  outer.top <= inner.top &&
  outer.right >= inner.right &&
  outer.bottom >= inner.bottom;

/**
 * What the button must look like when it is pressed. The stylesheet of login-button.ts gives it
 * 40 px of height, 14 px text and white on #0b4f9c (contrast 8.4:1); these are the floor a page may
 * push it to (an ERP zoomed to 80 % still works), and a floor against our own stylesheet failing to
 * apply.
 */
export const LEGIBILITY = Object.freeze({
  /** CSS px, as the user sees it (getBoundingClientRect includes every ancestor's zoom). */
  MIN_WIDTH_PX: 96,
  MIN_HEIGHT_PX: 32,
  /** Computed font size of the label (Chromium reports it before zoom; the box covers zoom). */
  MIN_FONT_PX: 12,
  /** WCAG 2.x AA for normal text. */
  MIN_CONTRAST: 4.5,
});

export const ILLEGIBLE = Object.freeze({
  TOO_SMALL: 'too-small',
  SMALL_TEXT: 'small-text',
  HIDDEN: 'hidden',
  TRANSLUCENT: 'translucent',
  LOW_CONTRAST: 'low-contrast',
} as const);

export type Illegibility = (typeof ILLEGIBLE)[keyof typeof ILLEGIBLE];

/**
 * Why the button, as laid out and styled now, is not plainly readable — or null when it is.
 * `style` is the button's computed style, `width`/`height` its rendered box.
 */
export function illegibility(button: {
  readonly style: StyleReader;
  readonly width: number;
  readonly height: number;
}): Illegibility | null {
  const { style } = button;
  if (!(button.width >= LEGIBILITY.MIN_WIDTH_PX && button.height >= LEGIBILITY.MIN_HEIGHT_PX))
    return ILLEGIBLE.TOO_SMALL;
  const fontPx = Number.parseFloat(style.getPropertyValue('font-size'));
  if (!(fontPx >= LEGIBILITY.MIN_FONT_PX)) return ILLEGIBLE.SMALL_TEXT;
  if (style.getPropertyValue('visibility') !== 'visible') return ILLEGIBLE.HIDDEN;
  if (style.getPropertyValue('opacity') !== '1') return ILLEGIBLE.TRANSLUCENT;
  // -webkit-text-fill-color paints the glyphs when set; its initial value is the computed color.
  const text = parseRgb(style.getPropertyValue('-webkit-text-fill-color') || style.getPropertyValue('color'));
  const background = parseRgb(style.getPropertyValue('background-color'));
  // Translucent colours mix with whatever the page draws behind: not a contrast we can know.
  if (text === null || background === null || text.alpha !== 1 || background.alpha !== 1)
    return ILLEGIBLE.LOW_CONTRAST;
  return contrastRatio(text, background) >= LEGIBILITY.MIN_CONTRAST ? null : ILLEGIBLE.LOW_CONTRAST;
}

export type Rgb = {
  readonly red: number;
  readonly green: number;
  readonly blue: number;
  readonly alpha: number;
};

/**
 * A computed sRGB colour as browsers serialise it: `rgb(r, g, b)` or `rgba(r, g, b, a)` (also the
 * space-separated `rgb(r g b / a)`). Anything else (color(), lab(), a keyword) is null: the caller
 * refuses what it cannot measure. Hand-written: a CSS colour library would be most of the content
 * script's size budget for one serialisation.
 */
export function parseRgb(value: string): Rgb | null {
  const m = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)\s*(?:[,/]\s*([\d.]+)(%?)\s*)?\)$/.exec(
    value.trim(),
  );
  if (!m) return null;
  const [red, green, blue] = [m[1], m[2], m[3]].map(Number) as [number, number, number];
  const alpha = m[4] === undefined ? 1 : Number(m[4]) / (m[5] === '%' ? 100 : 1);
  const channels = [red, green, blue];
  if (channels.some((c) => !(c >= 0 && c <= 255)) || !(alpha >= 0 && alpha <= 1)) return null;
  return { red, green, blue, alpha };
}

/** WCAG 2.x contrast ratio of two opaque sRGB colours, 1 to 21. */
export function contrastRatio(a: Rgb, b: Rgb): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

function luminance({ red, green, blue }: Rgb): number {
  const linear = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue);
}

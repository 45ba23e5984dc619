/**
 * The rules that refuse a press on our injected button when the page conceals it in ways
 * IntersectionObserver v2 does not report (SECURITY.md T8): paint effects on the host or any
 * element rendering it, and a button too small, faint or low in contrast to read. The computed
 * styles are the strings Chromium 156 serialises (checked in tests/e2e/security-clickjacking.test.ts
 * against the real thing).
 */
import { describe, expect, it } from 'vitest';
import {
  concealingEffect,
  contrastRatio,
  ILLEGIBLE,
  illegibility,
  LEGIBILITY,
  outlineCovers,
  parseRgb,
} from '../../../extension/content/concealment.ts';

/** A computed style: every property Chromium's initial value unless given. */
function computed(values: Record<string, string> = {}) {
  const initial: Record<string, string> = {
    'mask-image': 'none',
    '-webkit-mask-box-image-source': 'none',
    // Chromium 156 does not know mask-border: getPropertyValue answers ''.
    'mask-border-source': '',
    'clip-path': 'none',
    filter: 'none',
    'font-size': '14px',
    visibility: 'visible',
    opacity: '1',
    color: 'rgb(255, 255, 255)',
    '-webkit-text-fill-color': 'rgb(255, 255, 255)',
    'background-color': 'rgb(11, 79, 156)',
  };
  const all = { ...initial, ...values };
  return { getPropertyValue: (p: string) => all[p] ?? '' };
}

const OUR_BUTTON = { style: computed(), width: 163, height: 40 };

describe('paint effects on the host and its rendered ancestors', () => {
  it('finds none on an element with initial styles', () => {
    expect(concealingEffect(computed())).toBeNull();
    expect(concealingEffect({ getPropertyValue: () => '' })).toBeNull();
  });

  it.each([
    ['mask-image', 'linear-gradient(rgba(0, 0, 0, 0), rgba(0, 0, 0, 0))'],
    // `mask: url(#m)` and `-webkit-mask-image` serialise under mask-image in Chromium.
    ['mask-image', 'url("#m")'],
    ['-webkit-mask-box-image-source', 'linear-gradient(rgb(255, 0, 0), rgb(255, 0, 0))'],
    ['mask-border-source', 'url("mask.png")'],
    ['clip-path', 'url("#c")'],
    ['clip-path', 'circle(4px at 50% 50%)'],
    ['filter', 'url("#f")'],
    ['filter', 'blur(3px)'],
  ])('refuses %s: %s', (property, value) => {
    expect(concealingEffect(computed({ [property]: value }))).toBe(property);
  });
});

describe('outlines of the rendered ancestors, painted above the button', () => {
  const rect = (left: number, top: number, width: number, height: number) => ({
    left,
    top,
    right: left + width,
    bottom: top + height,
  });
  const BUTTON = rect(100, 100, 163, 40);
  const TOOLBAR = rect(80, 90, 400, 60);
  const outline = (width: string, offset: string, style = 'solid') =>
    computed({ 'outline-style': style, 'outline-width': width, 'outline-offset': offset });

  it('ignores no outline, a zero-width one, and an ERP focus ring around the toolbar the button is in', () => {
    expect(outlineCovers(computed({ 'outline-style': 'none' }), 1, [TOOLBAR], BUTTON)).toBe(false);
    expect(outlineCovers(outline('0px', '0px'), 1, [TOOLBAR], BUTTON)).toBe(false);
    expect(outlineCovers(outline('3px', '2px', 'auto'), 1, [TOOLBAR], BUTTON)).toBe(false);
    // Drawn 2 px inside the toolbar's edge: still 8 px away from the button.
    expect(outlineCovers(outline('2px', '-2px'), 1, [TOOLBAR], BUTTON)).toBe(false);
    // An outline somewhere else on the page.
    expect(outlineCovers(outline('80px', '0px'), 1, [rect(800, 800, 10, 10)], BUTTON)).toBe(false);
  });

  it('finds an outline drawn inwards over the button (negative outline-offset)', () => {
    expect(outlineCovers(outline('80px', '-80px'), 1, [rect(100, 100, 163, 40)], BUTTON)).toBe(true);
    expect(outlineCovers(outline('10px', '-15px'), 1, [TOOLBAR], BUTTON)).toBe(true);
  });

  it('finds an outline around a small box the button overflows', () => {
    expect(outlineCovers(outline('200px', '0px'), 1, [rect(100, 100, 0, 0)], BUTTON)).toBe(true);
    expect(outlineCovers(outline('30px', '5px'), 1, [rect(90, 90, 60, 20)], BUTTON)).toBe(true);
  });

  it('scales the ring by the effective zoom, as boxes are', () => {
    // 5 px inwards of the toolbar's 10 px margin: clear at zoom 1, over the button at zoom 3.
    const ring = outline('2px', '-5px');
    expect(outlineCovers(ring, 1, [TOOLBAR], BUTTON)).toBe(false);
    expect(outlineCovers(ring, 3, [TOOLBAR], BUTTON)).toBe(true);
  });

  it('checks every fragment of an inline element', () => {
    const fragments = [rect(0, 0, 50, 18), rect(90, 95, 200, 50)];
    expect(outlineCovers(outline('2px', '0px'), 1, fragments, BUTTON)).toBe(false);
    expect(outlineCovers(outline('2px', '0px'), 1, [...fragments, rect(150, 110, 20, 18)], BUTTON)).toBe(
      true,
    );
  });

  it('counts values it cannot read as covering', () => {
    expect(outlineCovers(outline('medium?', '0px'), 1, [TOOLBAR], BUTTON)).toBe(true);
    expect(outlineCovers(outline('2px', 'calc(?)'), 1, [TOOLBAR], BUTTON)).toBe(true);
    expect(outlineCovers(outline('2px', '0px'), Number.NaN, [TOOLBAR], BUTTON)).toBe(true);
  });
});

describe('legibility of the button when it is pressed', () => {
  it('accepts our button as its stylesheet draws it, also zoomed to 80 %', () => {
    expect(illegibility(OUR_BUTTON)).toBeNull();
    expect(illegibility({ ...OUR_BUTTON, width: 163 * 0.8, height: 40 * 0.8 })).toBeNull();
    // Hover and busy colours.
    expect(
      illegibility({ ...OUR_BUTTON, style: computed({ 'background-color': 'rgb(10, 67, 133)' }) }),
    ).toBeNull();
    expect(
      illegibility({ ...OUR_BUTTON, style: computed({ 'background-color': 'rgb(60, 95, 134)' }) }),
    ).toBeNull();
  });

  it.each([
    ['zoomed to 50 %', { width: 81.5, height: 20 }],
    ['narrowed', { width: LEGIBILITY.MIN_WIDTH_PX - 1, height: 40 }],
    ['flattened', { width: 163, height: LEGIBILITY.MIN_HEIGHT_PX - 0.5 }],
    ['collapsed', { width: 0, height: 0 }],
    ['not measurable', { width: Number.NaN, height: 40 }],
  ])('refuses a box %s', (_label, box) => {
    expect(illegibility({ ...OUR_BUTTON, ...box })).toBe(ILLEGIBLE.TOO_SMALL);
  });

  it.each([
    [{ 'font-size': '1px' }, ILLEGIBLE.SMALL_TEXT],
    [{ 'font-size': '11.5px' }, ILLEGIBLE.SMALL_TEXT],
    [{ 'font-size': '' }, ILLEGIBLE.SMALL_TEXT],
    [{ visibility: 'hidden' }, ILLEGIBLE.HIDDEN],
    [{ visibility: 'collapse' }, ILLEGIBLE.HIDDEN],
    [{ opacity: '0.99' }, ILLEGIBLE.TRANSLUCENT],
    [{ opacity: '0' }, ILLEGIBLE.TRANSLUCENT],
  ])('refuses a label styled %o', (style, reason) => {
    expect(illegibility({ ...OUR_BUTTON, style: computed(style) })).toBe(reason);
  });

  it.each([
    ['transparent text', { color: 'rgba(0, 0, 0, 0)', '-webkit-text-fill-color': 'rgba(0, 0, 0, 0)' }],
    ['glyphs filled transparent', { '-webkit-text-fill-color': 'rgba(0, 0, 0, 0)' }],
    ['white on white', { 'background-color': 'rgb(255, 255, 255)' }],
    [
      'light grey on white',
      {
        color: 'rgb(200, 200, 200)',
        '-webkit-text-fill-color': 'rgb(200, 200, 200)',
        'background-color': 'rgb(255, 255, 255)',
      },
    ],
    ['a transparent background (the page shows through)', { 'background-color': 'rgba(0, 0, 0, 0)' }],
    ['a half-transparent text', { '-webkit-text-fill-color': 'rgba(255, 255, 255, 0.5)' }],
    ['a colour it cannot measure', { '-webkit-text-fill-color': 'color(display-p3 1 1 1)' }],
  ])('refuses %s', (_label, style) => {
    expect(illegibility({ ...OUR_BUTTON, style: computed(style) })).toBe(ILLEGIBLE.LOW_CONTRAST);
  });

  it('reads the glyph colour from -webkit-text-fill-color, falling back to color', () => {
    const noFill = computed({ '-webkit-text-fill-color': '', color: 'rgb(11, 79, 156)' });
    expect(illegibility({ ...OUR_BUTTON, style: noFill })).toBe(ILLEGIBLE.LOW_CONTRAST);
    const fillOnly = computed({ color: 'rgb(11, 79, 156)' });
    expect(illegibility({ ...OUR_BUTTON, style: fillOnly })).toBeNull();
  });
});

describe('computed colours and their contrast', () => {
  it('parses the serialisations browsers use', () => {
    expect(parseRgb('rgb(255, 255, 255)')).toEqual({ red: 255, green: 255, blue: 255, alpha: 1 });
    expect(parseRgb('rgba(0, 0, 0, 0)')).toEqual({ red: 0, green: 0, blue: 0, alpha: 0 });
    expect(parseRgb('rgb(11 79 156 / 0.5)')).toEqual({ red: 11, green: 79, blue: 156, alpha: 0.5 });
    expect(parseRgb('rgb(11 79 156 / 50%)')).toEqual({ red: 11, green: 79, blue: 156, alpha: 0.5 });
    expect(parseRgb(' rgba(1, 2, 3, 0.25) ')).toEqual({ red: 1, green: 2, blue: 3, alpha: 0.25 });
  });

  it.each([
    '',
    'transparent',
    '#ffffff',
    'color(srgb 1 1 1)',
    'oklch(0.5 0.1 200)',
    'rgb(256, 0, 0)',
    'rgba(0, 0, 0, 2)',
    'rgb(1, 2)',
    'rgb(1, 2, 3, 4, 5)',
    'rgb(1.2.3, 0, 0)',
  ])('refuses %j', (value) => {
    expect(parseRgb(value)).toBeNull();
  });

  it('computes the WCAG 2.x ratio', () => {
    const white = { red: 255, green: 255, blue: 255, alpha: 1 };
    const black = { red: 0, green: 0, blue: 0, alpha: 1 };
    expect(contrastRatio(white, black)).toBeCloseTo(21, 5);
    expect(contrastRatio(black, white)).toBeCloseTo(21, 5);
    expect(contrastRatio(white, white)).toBe(1);
    // #767676 on white is the classic 4.54:1 AA boundary grey.
    expect(contrastRatio({ red: 118, green: 118, blue: 118, alpha: 1 }, white)).toBeCloseTo(4.54, 2);
    // Our button: white on #0b4f9c.
    expect(contrastRatio(white, { red: 11, green: 79, blue: 156, alpha: 1 })).toBeGreaterThan(8);
  });
});

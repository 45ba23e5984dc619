/**
 * Arming of the injected button with the second input, the per-frame concealment check
 * (concealment.ts): the 800 ms of SECURITY.md T8 count only while the button is fully visible to
 * IntersectionObserver v2 *and* nothing IO v2 cannot see conceals it.
 */
import { describe, expect, it } from 'vitest';
import { ARMING, createArming } from '../../../extension/content/arming.ts';

function setup() {
  const clock = { now: 1000 };
  const arming = createArming(() => clock.now);
  const trusted = { isTrusted: true, target: {} };
  const press = () => {
    arming.pointerDown(trusted);
    clock.now += 80;
    return arming.click(trusted);
  };
  return { clock, arming, trusted, press };
}

describe('arming while the page conceals the button', () => {
  it('never arms a button that is visible to IO v2 but masked', () => {
    const { clock, arming, press } = setup();
    arming.concealment(true);
    arming.visibility(true);
    clock.now += 10 * ARMING.VISIBLE_MS;
    expect(arming.isArmed()).toBe(false);
    expect(press()).toBe(false);
  });

  it('counts 800 ms from the moment the mask went, not from the first visibility', () => {
    const { clock, arming, press } = setup();
    arming.visibility(true);
    arming.concealment(true);
    clock.now += 5000;
    arming.concealment(false);
    clock.now += ARMING.VISIBLE_MS - 100;
    expect(press()).toBe(false);
    clock.now += 100;
    expect(press()).toBe(true);
  });

  it('disarms when a mask appears for a single frame, and counts again after it', () => {
    const { clock, arming, press } = setup();
    arming.visibility(true);
    clock.now += 5000;
    arming.concealment(true);
    clock.now += 16;
    arming.concealment(false);
    expect(press()).toBe(false);
    clock.now += ARMING.VISIBLE_MS;
    expect(press()).toBe(true);
  });

  it('does not act when the mask appears between pointerdown and click (a :hover or :active rule)', () => {
    const { clock, arming, trusted } = setup();
    arming.visibility(true);
    clock.now += 5000;
    arming.pointerDown(trusted);
    arming.concealment(true);
    arming.concealment(false);
    expect(arming.click(trusted)).toBe(false);
  });

  it('does not act on a press while concealed, even once the mask is lifted for the click', () => {
    const { clock, arming, trusted } = setup();
    arming.visibility(true);
    clock.now += 5000;
    arming.concealment(true);
    arming.pointerDown(trusted);
    arming.concealment(false);
    expect(arming.click(trusted)).toBe(false);
  });

  it('needs both inputs: unconcealed but not visible to IO v2 does not arm', () => {
    const { clock, arming, press } = setup();
    arming.concealment(false);
    clock.now += 5000;
    expect(press()).toBe(false);
    arming.visibility(true);
    arming.visibility(false);
    clock.now += 5000;
    expect(press()).toBe(false);
  });

  it('keeps counting through repeated all-clear checks (one per frame)', () => {
    const { clock, arming, press } = setup();
    arming.visibility(true);
    for (let t = 0; t < ARMING.VISIBLE_MS; t += 16) {
      arming.concealment(false);
      clock.now += 16;
    }
    expect(press()).toBe(true);
  });
});

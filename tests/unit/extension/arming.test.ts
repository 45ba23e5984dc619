import { describe, expect, it } from 'vitest';
import { ARMING, createArming } from '../../../extension/content/arming.ts';

function setup() {
  const clock = { now: 1000 };
  const arming = createArming(() => clock.now);
  const button = {};
  const trusted = { isTrusted: true, target: button };
  const press = () => {
    arming.pointerDown(trusted);
    clock.now += 80;
    return arming.click(trusted);
  };
  return { clock, arming, button, trusted, press };
}

describe('arming of the injected button', () => {
  it('acts on a trusted press after 800 ms of full visibility', () => {
    const { clock, arming, press } = setup();
    arming.visibility(true);
    clock.now += ARMING.VISIBLE_MS;
    expect(press()).toBe(true);
  });

  it('does nothing before 800 ms of visibility', () => {
    const { clock, arming, press } = setup();
    arming.visibility(true);
    clock.now += ARMING.VISIBLE_MS - 100;
    expect(press()).toBe(false);
  });

  it('starts counting again when the button stops being fully visible', () => {
    const { clock, arming, press } = setup();
    arming.visibility(true);
    clock.now += 2000;
    arming.visibility(false);
    arming.visibility(true);
    clock.now += 500;
    expect(press()).toBe(false);
    clock.now += 300;
    expect(press()).toBe(true);
  });

  it('does nothing after a move 100 ms before the click, and is re-armed 800 ms after it', () => {
    const { clock, arming, press } = setup();
    arming.visibility(true);
    clock.now += 5000;
    arming.moved();
    clock.now += 100;
    expect(press()).toBe(false);
    clock.now += ARMING.VISIBLE_MS;
    expect(press()).toBe(true);
  });

  it('ignores synthetic events', () => {
    const { clock, arming, button } = setup();
    arming.visibility(true);
    clock.now += 5000;
    arming.pointerDown({ isTrusted: false, target: button });
    expect(arming.click({ isTrusted: true, target: button })).toBe(false);
    arming.pointerDown({ isTrusted: true, target: button });
    expect(arming.click({ isTrusted: false, target: button })).toBe(false);
    // A click without a pointerdown (keyboard, el.click()) does nothing either.
    expect(arming.click({ isTrusted: true, target: button })).toBe(false);
  });

  it('needs pointerdown and click on the same target, in one gesture', () => {
    const { clock, arming, button } = setup();
    arming.visibility(true);
    clock.now += 5000;
    arming.pointerDown({ isTrusted: true, target: {} });
    expect(arming.click({ isTrusted: true, target: button })).toBe(false);
    arming.pointerDown({ isTrusted: true, target: button });
    clock.now += ARMING.MAX_PRESS_MS + 1;
    expect(arming.click({ isTrusted: true, target: button })).toBe(false);
  });

  it('does not act when the button is hidden between pointerdown and click', () => {
    const { clock, arming, trusted } = setup();
    arming.visibility(true);
    clock.now += 5000;
    arming.pointerDown(trusted);
    arming.visibility(false);
    arming.visibility(true);
    expect(arming.click(trusted)).toBe(false);
  });

  it('uses one press for one click only', () => {
    const { clock, arming, trusted } = setup();
    arming.visibility(true);
    clock.now += 5000;
    arming.pointerDown(trusted);
    expect(arming.click(trusted)).toBe(true);
    expect(arming.click(trusted)).toBe(false);
  });
});

/**
 * T8 (clickjacking) as a generated family, in real Chromium with the built extension: the "Log in to
 * KSeF" button inside a page that hides, dims, distorts or covers it in ways a user would not
 * notice is clicked for real (a trusted mouse click at its centre, after it had time to arm), and
 * nothing may happen — no hand-off request in the background, no wallet window. The plain page's
 * button does act (positive control), so "nothing" is the protection, not a slow machine.
 * The fixed cases of the issue (pass-through overlay, opacity .01, filter, clip-path, scale .01, a
 * move 100 ms before the click, framed ERP, synthetic click) are in tests/e2e/erp-button.test.ts.
 */
import type { Page, WebWorker } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { knownGap, tally } from '../security/ledger.ts';
import { launchBrowser, type TestBrowser, waitForExtensionWorker } from './harness/browser.ts';
import { type ErpSite, startErpSite } from './harness/erp-site.ts';
import {
  ARMED_AFTER_MS,
  activityEvents,
  backgroundWorker,
  clickLoginUntil,
  enableSiteFromPopup,
  loginButtonCentre,
  pagesAt,
  sleep,
} from './harness/extension-inspect.ts';

const LOGIN = '<p>Faktury</p><ksef-wallet-login nip="5250001233" environment="TEST"></ksef-wallet-login>';
const wrap = (style: string) => `<div style="${style}">${LOGIN}</div>`;
const overlay = (style: string) =>
  `${LOGIN}<div style="position:fixed;inset:0;pointer-events:none;z-index:2147483647;${style}">Kliknij, aby wygrać nagrodę</div>`;

/** Ways to make the button look like something else, or not be seen at all. */
const ATTACKS: Readonly<Record<string, string>> = Object.freeze({
  'ancestor opacity .1': wrap('opacity:.1'),
  'ancestor opacity .3': wrap('opacity:.3'),
  'ancestor opacity .5': wrap('opacity:.5'),
  'blur(3px)': wrap('filter:blur(3px)'),
  'filter opacity(.2)': wrap('filter:opacity(.2)'),
  'contrast(.05)': wrap('filter:contrast(.05)'),
  'brightness(8)': wrap('filter:brightness(8)'),
  'scale(.3)': wrap('transform:scale(.3);transform-origin:0 0'),
  'rotate(90deg)': wrap('display:inline-block;transform:rotate(90deg)'),
  'skewX(60deg)': wrap('display:inline-block;transform:skewX(60deg)'),
  'clip-path circle(4px)': wrap('display:inline-block;clip-path:circle(4px)'),
  'mix-blend-mode screen on white': wrap('mix-blend-mode:screen;background:#fff'),
  'opaque pass-through overlay': overlay('background:#fff'),
  'translucent pass-through overlay': overlay('background:rgba(255,255,255,.7)'),
});

let b: TestBrowser;
let worker: WebWorker;
let erp: ErpSite;

beforeAll(async () => {
  erp = await startErpSite({
    plain: { body: LOGIN },
    ...Object.fromEntries(Object.entries(ATTACKS).map(([name, body]) => [name, { body }])),
  });
  b = await launchBrowser({ extensionDir: inject('extensionDir'), args: ['--lang=pl', '--accept-lang=pl'] });
  await waitForExtensionWorker(b);
  worker = await backgroundWorker(b);
  // The user turns the button on for the ERP's origin in the popup (once per origin).
  const page = await b.newPage();
  await page.goto(erp.url('plain'));
  await enableSiteFromPopup(b, page);
  await page.close();
}, 120_000);

afterAll(async () => {
  await b?.close();
  await erp?.close();
});

const requests = async () => (await activityEvents(worker)).filter((e) => e === 'requested').length;

async function open(name: string): Promise<Page> {
  const page = await b.newPage();
  await page.goto(erp.url(name));
  await page.waitForSelector('[data-ksef-wallet="login-button"]', { timeout: 15_000 });
  return page;
}

describe('the login button under disguise (T8)', () => {
  // Found by this suite (a real click on an invisible or unreadable button started a hand-off):
  // IntersectionObserver v2's isVisible does not account for CSS masks, and the button's closed
  // shadow root inherits the page's text styles. Not covered yet:
  knownGap(
    'T8',
    'a real click on a button an ancestor masks away (mask-image) still starts a hand-off (extension/content)',
  );
  knownGap(
    'T8',
    'a real click on a button made unreadable by inherited styles (transparent colour, white on white, 1px font) still starts a hand-off (extension/content)',
  );
  it.todo(
    'does nothing when an ancestor masks the button away (mask-image / -webkit-mask-image: linear-gradient(transparent, transparent)) — needs extension/content (arming.ts or login-button.ts): before arming, walk the host and its ancestors and refuse any computed mask-image / -webkit-mask-image / mask other than none',
  );
  it.todo(
    "does nothing when the page makes the button's text unreadable through inherited styles (color: transparent, white on white, font-size: 1px) — needs extension/content/login-button.ts: reset inherited properties on the shadow host (:host { all: initial }) and give the button its own colours, font and minimum size",
  );

  it(`does nothing on a real click in ${Object.keys(ATTACKS).length} disguised pages`, async () => {
    const t = tally('T8', 'disguised login buttons clicked for real (generated styles)');
    const walletPrefix = `${inject('pwaOrigin')}/`;
    for (const name of Object.keys(ATTACKS)) {
      const page = await open(name);
      const before = await requests();
      await sleep(ARMED_AFTER_MS);
      const { x, y } = await loginButtonCentre(page);
      await page.mouse.click(x, y);
      await sleep(700);
      const windows = await pagesAt(b, walletPrefix);
      const acted = (await requests()) !== before || windows.length > 0;
      t.add({ leaked: acted, note: `${name}: a hand-off was requested` });
      expect(acted, name).toBe(false);
      await page.close();
    }
    // Positive control: the same click on the plain page does act.
    const page = await open('plain');
    const before = await requests();
    await clickLoginUntil(page, async () => (await requests()) > before);
    for (const url of await pagesAt(b, `${walletPrefix}#/handoff/`)) {
      const target = b.browser.targets().find((x) => x.url() === url);
      await (await target?.asPage())?.close();
    }
    await page.close();
    t.control();
    expect(t.record().notes).toEqual([]);
  });
});

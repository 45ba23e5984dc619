/**
 * The injected "Log in to KSeF" button in real Chromium with the built extension (SECURITY.md T8):
 * only on origins the user enabled from the popup, in a closed shadow root, top frame only, armed
 * after 800 ms of full visibility, acting only on a trusted press. Every "nothing" is observed on
 * three sides: no wallet window opens, the background records no request, and the page's port
 * receives nothing but `ready`.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page, Realm, WebWorker } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { unexpectedStorageEntries } from '../../extension/storage/session-state.ts';
import { launchBrowser, type TestBrowser, waitForExtensionWorker } from './harness/browser.ts';
import { type ErpSite, startErpSite } from './harness/erp-site.ts';
import {
  ARMED_AFTER_MS,
  activityEvents,
  backgroundWorker,
  clickLoginUntil,
  dumpChromeStorage,
  loginButtonCentre,
  openPopup,
  pagesAt,
  sleep,
} from './harness/extension-inspect.ts';

const SCREENSHOTS = resolve(import.meta.dirname, '../artifacts/screenshots');
const LOGIN =
  '<p>Faktury sprzedaży</p><ksef-wallet-login nip="5250001233" environment="TEST"></ksef-wallet-login>';

let b: TestBrowser;
let worker: WebWorker;
let erp: ErpSite;
let other: ErpSite;
let walletPrefix: string;

type Probe = {
  port: { type: string; value: unknown }[];
  window: { origin: string; data: { type?: string } }[];
};
const probeOf = (page: Page): Promise<Probe> =>
  page.evaluate(() => (window as unknown as { __probe: Probe }).__probe);
const portTypes = async (page: Page) => (await probeOf(page)).port.map((m) => m.type);

async function open(site: ErpSite, name: string): Promise<Page> {
  const page = await b.newPage();
  await page.goto(site.url(name));
  return page;
}

async function waitReady(page: Page) {
  await page.waitForFunction(() => document.body.dataset.last === 'ready', { timeout: 10_000 });
  await page.waitForSelector('[data-ksef-wallet="login-button"]', { timeout: 10_000 });
}

/**
 * A real (trusted) click where our button is, then proof that nothing reached the background —
 * and the positive control: once the page stops the attack, the same click does act (so the
 * "nothing" was the protection, not a slow machine). Each control opens a wallet window that is
 * closed again; they count against the site's 10 hand-offs per hour.
 */
async function clickAndExpectNothing(page: Page, before?: () => Promise<void>) {
  const requestsBefore = (await activityEvents(worker)).filter((e) => e === 'requested').length;
  await sleep(ARMED_AFTER_MS);
  if (before) await before();
  const { x, y } = await loginButtonCentre(page);
  await page.mouse.click(x, y);
  await sleep(700);
  expect(await pagesAt(b, walletPrefix)).toEqual([]);
  expect((await activityEvents(worker)).filter((e) => e === 'requested')).toHaveLength(requestsBefore);
  expect(await portTypes(page)).toEqual(['ready']);

  await page.evaluate(() => (window as unknown as { __stopAttack(): void }).__stopAttack());
  const opened = b.browser.waitForTarget((t) => t.url().startsWith(`${walletPrefix}#/handoff/`), {
    timeout: 10_000,
  });
  await clickLoginUntil(page, async () => (await pagesAt(b, `${walletPrefix}#/handoff/`)).length > 0);
  await (await (await opened).asPage()).close();
  await page.waitForFunction(() => document.body.dataset.last === 'error');
  expect(await portTypes(page)).toEqual(['ready', 'status', 'error']);
}

beforeAll(async () => {
  const wrap = (style: string) => `<div id="attack" style="${style}">${LOGIN}</div>`;
  const pages = {
    plain: { body: LOGIN },
    'no-hello': { body: LOGIN, connect: false },
    floating: { body: '<p>ERP bez elementu</p>', want: { nip: '5250001233', environment: 'TEST' } },
    covered: {
      body: `${LOGIN}<div id="attack" data-kind="overlay" style="position:fixed;inset:0;background:#fff;pointer-events:none;z-index:10">Kliknij, aby wygrać</div>`,
    },
    transparent: { body: wrap('opacity:.01') },
    filtered: { body: wrap('filter:blur(6px)') },
    clipped: { body: wrap('display:inline-block;clip-path:inset(0 50% 0 0)') },
    'half-hidden': { body: wrap('display:inline-block;width:60px;overflow:hidden') },
    scaled: { body: wrap('transform:scale(.01);transform-origin:0 0') },
    moving: { body: LOGIN },
    'with-foreign-frame': { body: `${LOGIN}<iframe id="foreign" width="300" height="120"></iframe>` },
  };
  erp = await startErpSite(pages);
  other = await startErpSite({
    plain: { body: LOGIN },
    listener: { body: '<p>obca ramka</p>', connect: false },
    'frames-the-erp': { body: '<iframe id="erp" width="600" height="300"></iframe>' },
  });
  walletPrefix = `${inject('pwaOrigin')}/`;
  b = await launchBrowser({ extensionDir: inject('extensionDir'), args: ['--lang=pl', '--accept-lang=pl'] });
  await waitForExtensionWorker(b);
  worker = await backgroundWorker(b);
  mkdirSync(SCREENSHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await b?.close();
  await erp?.close();
  await other?.close();
});

describe('ERP login button', () => {
  it('is absent on an origin the user did not enable, and the page gets no answer', async () => {
    const page = await open(other, 'plain');
    await sleep(1500);
    expect(await page.$('[data-ksef-wallet]')).toBeNull();
    const probe = await probeOf(page);
    expect(probe.port).toEqual([]);
    expect(probe.window.map((m) => m.data.type)).toEqual(['ksef-wallet:hello']);
    const popup = await openPopup(b, page);
    expect(await popup.$eval('[data-testid="site"]', (el) => (el as HTMLElement).dataset.state)).toBe(
      'disabled',
    );
    await popup.close();
    await page.close();
  });

  it('is enabled from the popup and appears at once, in a closed shadow root', async () => {
    const page = await open(erp, 'plain');
    await sleep(500);
    expect(await page.$('[data-ksef-wallet]')).toBeNull();
    const popup = await openPopup(b, page);
    const enable = await popup.waitForSelector('[data-testid="enable-site"]');
    await enable!.click();
    await popup.waitForSelector(`[data-testid="site"][data-state="enabled"][data-origin="${erp.origin}"]`);
    await popup.screenshot({ path: resolve(SCREENSHOTS, 'popup-site-enabled-pl.png') });
    await popup.close();

    // Injected into the open tab: the page learns of it and says hello again, no reload needed.
    await waitReady(page);
    expect(
      await page.$eval('[data-ksef-wallet="login-button"]', (host) => ({
        shadowRoot: host.shadowRoot,
        text: host.textContent,
        inOptIn: host.parentElement?.tagName.toLowerCase(),
      })),
    ).toEqual({ shadowRoot: null, text: '', inOptIn: 'ksef-wallet-login' });
    const host = await page.$('ksef-wallet-login');
    await host!.screenshot({ path: resolve(SCREENSHOTS, 'erp-login-button-pl.png') });
    expect(await activityEvents(worker)).toEqual(['site-enabled']);
    await page.close();
  });

  it('runs on later page loads of that origin (registered content script), floating when there is no opt-in element', async () => {
    const page = await open(erp, 'floating');
    await waitReady(page);
    const position = await page.$eval('[data-ksef-wallet="login-button"]', (h) => ({
      position: getComputedStyle(h).position,
      parent: h.parentElement?.tagName,
    }));
    expect(position).toEqual({ position: 'fixed', parent: 'BODY' });
    await page.screenshot({ path: resolve(SCREENSHOTS, 'erp-floating-button-pl.png') });
    await page.close();
  });

  it('is not shown to a page that did not ask for KSeF sessions', async () => {
    const page = await open(erp, 'no-hello');
    await sleep(1500);
    expect(await page.$('[data-ksef-wallet]')).toBeNull();
    await page.close();
  });

  it('accepts one hello per document: a later hello with another port gets no answer', async () => {
    const page = await open(erp, 'plain');
    await waitReady(page);
    const second = await page.evaluate(
      () =>
        new Promise<unknown[]>((done) => {
          const heard: unknown[] = [];
          const channel = new MessageChannel();
          channel.port1.onmessage = (e) => heard.push(e.data);
          window.postMessage({ type: 'ksef-wallet:hello', v: 1 }, location.origin, [channel.port2]);
          setTimeout(() => done(heard), 1000);
        }),
    );
    expect(second).toEqual([]);
    expect(await page.$$('[data-ksef-wallet="login-button"]')).toHaveLength(1);
    await page.close();
  });

  it('ignores synthetic clicks from the page', async () => {
    const page = await open(erp, 'plain');
    await waitReady(page);
    await sleep(ARMED_AFTER_MS);
    await page.evaluate(() => {
      const host = document.querySelector('[data-ksef-wallet="login-button"]') as HTMLElement;
      const r = host.getBoundingClientRect();
      const at = { clientX: r.x + r.width / 2, clientY: r.y + r.height / 2, bubbles: true, composed: true };
      host.click();
      host.dispatchEvent(new PointerEvent('pointerdown', at));
      host.dispatchEvent(new MouseEvent('click', at));
      (document.elementFromPoint(at.clientX, at.clientY) as HTMLElement).click();
    });
    await sleep(700);
    expect(await pagesAt(b, walletPrefix)).toEqual([]);
    expect(await activityEvents(worker)).not.toContain('requested');
    expect(await portTypes(page)).toEqual(['ready']);
    await page.close();
  });

  it.each([
    ['covered by an overlay that lets clicks through (pointer-events: none)', 'covered'],
    ['inside an ancestor with opacity .01', 'transparent'],
    ['under a filter', 'filtered'],
    ['half clipped away by clip-path', 'clipped'],
    ['half hidden by its container', 'half-hidden'],
    ['scaled to 1%', 'scaled'],
  ])('does nothing when %s', async (_label, name) => {
    const page = await open(erp, name);
    await waitReady(page);
    await clickAndExpectNothing(page);
    await page.close();
  });

  it('does nothing when the page moves the button 100 ms before the click', async () => {
    const page = await open(erp, 'moving');
    await waitReady(page);
    await clickAndExpectNothing(page, async () => {
      await page.evaluate(() => (window as unknown as { __moveLogin(px: number): void }).__moveLogin(180));
      await sleep(100);
    });
    await page.close();
  });

  it('does nothing in a frame: an enabled ERP framed by another page gets no answer and no button', async () => {
    const page = await open(other, 'frames-the-erp');
    await page.$eval('#erp', (f, src) => ((f as HTMLIFrameElement).src = src), erp.url('plain'));
    const frame = await (await page.waitForSelector('#erp'))!.contentFrame();
    await frame!.waitForFunction(() => (window as unknown as { __probe?: unknown }).__probe !== undefined);
    await sleep(1500);
    expect(await frame!.$('[data-ksef-wallet]')).toBeNull();
    expect(await frame!.evaluate(() => (window as unknown as { __probe: Probe }).__probe.port)).toEqual([]);
    expect(await page.$('[data-ksef-wallet]')).toBeNull();
    await page.close();
  });

  it('gives our own content script nothing but hand-off requests, even if the ERP renderer is compromised (T5)', async () => {
    const page = await open(erp, 'plain');
    await waitReady(page);
    // Code running in the content script's isolated world, as a compromised renderer could run it.
    let realm: Realm | undefined;
    for (const r of page.mainFrame().extensionRealms())
      if ((await r.extension())?.id === b.extensionId) realm = r;
    const replies = await realm!.evaluate(async () => {
      const ask = (kind: string, payload: unknown) =>
        chrome.runtime.sendMessage({
          protocol: 'ksef-wallet',
          v: 1,
          id: `cs-${kind.replace('.', '-')}-01`,
          kind,
          payload,
        });
      return {
        transport: await ask('transport.send', {
          env: 'TEST',
          operation: 'POST /auth/challenge',
          body: '{}',
        }),
        approvals: await ask('approvals.list', {}),
        complete: await ask('handoff.complete', {
          handoffId: 'AAAAAAAAAAAAAAAAAAAAAA',
          outcome: 'cancelled',
        }),
        snapshot: await ask('wallet.snapshot', { snapshot: { v: 1, publishedAt: 0, companies: [] } }),
        enable: await ask('erp.enable', { origin: 'https://other.example' }),
      };
    });
    for (const reply of Object.values(replies))
      expect(reply).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED' } });
    await page.close();
  });

  it('acts on a real click on the armed button: a wallet window opens to unlock and approve, and only the page hears of it', async () => {
    const page = await open(erp, 'with-foreign-frame');
    await page.$eval('#foreign', (f, src) => ((f as HTMLIFrameElement).src = src), other.url('listener'));
    const foreign = await (await page.waitForSelector('#foreign'))!.contentFrame();
    await foreign!.waitForFunction(() => (window as unknown as { __probe?: unknown }).__probe !== undefined);
    await waitReady(page);
    await sleep(ARMED_AFTER_MS);
    const { x, y } = await loginButtonCentre(page);
    const walletWindow = b.browser.waitForTarget((t) => t.url().startsWith(`${walletPrefix}#/handoff/`), {
      timeout: 10_000,
    });
    await page.mouse.click(x, y);
    const target = await walletWindow;
    // The hand-off id is the only thing in the URL: no secret, nothing from the page.
    expect(target.url()).toMatch(new RegExp(`^${walletPrefix}#/handoff/[A-Za-z0-9_-]{22}$`));
    await page.waitForFunction(() => document.body.dataset.last === 'status');
    expect((await probeOf(page)).port).toEqual([
      { type: 'ready', value: null },
      { type: 'status', value: 'waiting-for-user' },
    ]);
    expect((await activityEvents(worker)).slice(-2)).toEqual(['requested', 'window-opened']);
    // Nothing travels on window: the frame of another origin heard nothing at all.
    expect(await foreign!.evaluate(() => (window as unknown as { __probe: Probe }).__probe.window)).toEqual(
      [],
    );
    // On the page's own window only the handshake travels (hello, and our "present" when we start
    // after the page): the session channel is the page's own MessagePort.
    const onWindow = (await probeOf(page)).window;
    expect(new Set(onWindow.map((m) => m.data.type))).toEqual(
      new Set(['ksef-wallet:hello', 'ksef-wallet:present']),
    );
    expect(onWindow.every((m) => m.origin === erp.origin)).toBe(true);

    // Closing the wallet window without deciding ends the request for the page.
    await (await target.asPage()).close();
    await page.waitForFunction(() => document.body.dataset.last === 'error');
    expect((await probeOf(page)).port.at(-1)).toEqual({ type: 'error', value: { code: 'cancelled' } });
    await page.close();
  });

  it('lists the site in the options page; disabling it there removes the button from the next page load', async () => {
    const options = await b.newPage();
    await options.goto(`chrome-extension://${b.extensionId}/options.html`);
    const item = await options.waitForSelector(`[data-testid="erp-sites"] li[data-origin="${erp.origin}"]`);
    await (await item!.$('button'))!.click();
    await options.waitForFunction(
      (origin) => !document.querySelector(`[data-testid="erp-sites"] li[data-origin="${origin}"]`),
      {},
      erp.origin,
    );
    await options.close();
    const page = await open(erp, 'plain');
    await sleep(1500);
    expect(await page.$('[data-ksef-wallet]')).toBeNull();
    expect((await probeOf(page)).port).toEqual([]);
    expect((await activityEvents(worker)).at(-1)).toBe('site-disabled');
    await page.close();
  });

  it('keeps only allowlisted, secret-free entries in chrome.storage', async () => {
    const dump = await dumpChromeStorage(worker);
    expect(dump.local).toEqual({});
    expect(dump.sync).toEqual({});
    expect(unexpectedStorageEntries(dump.session ?? {})).toEqual([]);
  });
});

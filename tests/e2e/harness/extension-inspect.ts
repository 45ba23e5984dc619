/**
 * Looking at the built extension from a test: its real action popup (opened with CDP
 * `Extensions.triggerAction`, so the popup sees the page as its active tab, as after a user's
 * click on the toolbar icon), its service worker, and what it stored.
 */
import type { Page, WebWorker } from 'puppeteer-core';
import type { TestBrowser } from './browser.ts';

/** Opens the extension's popup for `page`'s tab and waits until it has rendered its state. */
export async function openPopup(b: TestBrowser, page: Page): Promise<Page> {
  const extension = (await b.browser.extensions()).get(b.extensionId);
  if (!extension) throw new Error('extension not installed');
  await page.bringToFront();
  await extension.triggerAction(page);
  const target = await b.browser.waitForTarget(
    (t) => t.url() === `chrome-extension://${b.extensionId}/popup.html`,
    {
      timeout: 10_000,
    },
  );
  const popup = await target.asPage();
  await popup.waitForSelector('[data-testid="popup"][data-ready="true"]', { timeout: 10_000 });
  return popup;
}

export async function backgroundWorker(b: TestBrowser): Promise<WebWorker> {
  const target = await b.browser.waitForTarget(
    (t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${b.extensionId}/`),
  );
  const worker = await target.worker();
  if (!worker) throw new Error('no service worker');
  return worker;
}

/** Every row of one table of the extension's IndexedDB, read in the service worker. */
export function readExtensionTable(worker: WebWorker, table: string): Promise<Record<string, unknown>[]> {
  return worker.evaluate(
    (name) =>
      new Promise<Record<string, unknown>[]>((resolve, reject) => {
        const open = indexedDB.open('ksef-wallet-extension');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains(name)) return resolve([]);
          const all = db.transaction(name).objectStore(name).getAll();
          all.onsuccess = () => resolve(all.result as Record<string, unknown>[]);
          all.onerror = () => reject(all.error);
        };
      }),
    table,
  );
}

/** The events of the extension's hand-off activity log, oldest first. */
export async function activityEvents(worker: WebWorker): Promise<string[]> {
  return (await readExtensionTable(worker, 'activity')).map((r) => String(r.event));
}

/** Every chrome.storage area, dumped (SECURITY.md T2). */
export function dumpChromeStorage(worker: WebWorker): Promise<Record<string, Record<string, unknown>>> {
  return worker.evaluate(async () => ({
    local: await chrome.storage.local.get(null),
    session: await chrome.storage.session.get(null),
    sync: await chrome.storage.sync.get(null),
  }));
}

/** Pages currently open at `urlPrefix` (e.g. the wallet windows the extension opened). */
export async function pagesAt(b: TestBrowser, urlPrefix: string): Promise<string[]> {
  return b.browser
    .targets()
    .filter((t) => t.type() === 'page' && t.url().startsWith(urlPrefix))
    .map((t) => t.url());
}

/** The centre of our injected button's host, as the page lays it out. */
export async function loginButtonCentre(page: Page, index = 0): Promise<{ x: number; y: number }> {
  const box = await page.evaluate((i) => {
    const host = document.querySelectorAll('[data-ksef-wallet="login-button"]')[i];
    if (!host) return null;
    const r = host.getBoundingClientRect();
    return { x: r.x + r.width / 2, y: r.y + r.height / 2 };
  }, index);
  if (!box) throw new Error('no login button on the page');
  return box;
}

/** The button arms after 800 ms of full visibility; wait a little longer than that. */
export const ARMED_AFTER_MS = 1_100;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The user's "Enable on this site" in the popup for `page`'s tab. In development builds loopback
 * hosts are granted at install, so `permissions.request` answers without a prompt (a headless
 * browser cannot click a permission prompt); production asks for the exact origin at this click.
 */
export async function enableSiteFromPopup(b: TestBrowser, page: Page): Promise<void> {
  const popup = await openPopup(b, page);
  await (await popup.waitForSelector('[data-testid="enable-site"]'))!.click();
  await popup.waitForSelector('[data-testid="site"][data-state="enabled"]');
  await popup.close();
}

/**
 * A user's click on our armed button, for tests that expect it to act: a click before the button
 * has been visible for 800 ms does nothing (by design), so on a slow machine the click is repeated
 * until `acted()` — at most `tries` times. Tests that expect *nothing* click once instead.
 */
export async function clickLoginUntil(page: Page, acted: () => Promise<boolean>, tries = 3): Promise<void> {
  await page.waitForSelector('[data-ksef-wallet="login-button"]');
  for (let i = 0; i < tries; i++) {
    await sleep(ARMED_AFTER_MS);
    const { x, y } = await loginButtonCentre(page);
    await page.mouse.click(x, y);
    for (let waited = 0; waited < 1500; waited += 100) {
      if (await acted()) return;
      await sleep(100);
    }
  }
  throw new Error(`the login button did not act after ${tries} clicks`);
}

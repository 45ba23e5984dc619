/**
 * Page helpers for driving the wallet as a user would: by the visible names of buttons, links and
 * fields (the accessibility tree, `::-p-aria(...)`), by keyboard where it matters, with screenshots
 * in Polish and English into tests/artifacts/screenshots/ and axe-core on every screen. Also: the
 * sandbox added as a custom environment through the extension's options page, downloads saved to a
 * folder, and watching for CSP / Trusted Types violations.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import type { TestBrowser } from './browser.ts';

export const SHOTS = resolve(import.meta.dirname, '../../artifacts/screenshots');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export type Violation = { id: string; impact: string | null; targets: string[] };

/** The extension's options page: a loopback sandbox becomes a custom environment (SECURITY.md T6). */
export async function addSandboxEnvironment(b: TestBrowser, label: string, baseUrl: string): Promise<string> {
  const options = await b.newPage();
  await options.goto(`chrome-extension://${b.extensionId}/options.html`);
  await options.locator('input[name="label"]').fill(label);
  await options.locator('input[name="url"]').fill(baseUrl);
  await options.locator('button[type="submit"]').click();
  const item = await options.waitForSelector('li[data-env-id^="custom:"]');
  const id = (await item!.evaluate((el) => el.getAttribute('data-env-id'))) ?? '';
  await options.close();
  return id;
}

/** CSP and Trusted Types violations from every document of the page (reloads included). */
export async function watchCsp(page: Page): Promise<string[]> {
  const seen: string[] = [];
  await page.exposeFunction('__reportCspViolation', (v: string) => {
    seen.push(v);
  });
  await page.evaluateOnNewDocument(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { __reportCspViolation(v: string): void }).__reportCspViolation;
      void report(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
    });
  });
  page.on('console', (m) => {
    if (m.type() === 'error' && /Trusted|Content Security Policy/i.test(m.text())) seen.push(m.text());
  });
  return seen;
}

/** axe-core in an isolated world (the page's CSP does not apply to it); serious and critical only. */
export async function axeSeriousOrWorse(page: Page): Promise<Violation[]> {
  // Frame.isolatedRealm() exists at runtime in puppeteer-core 24.43 (pinned) but not in its typings.
  const realm = (page.mainFrame() as unknown as { isolatedRealm(): Pick<Page, 'evaluate'> }).isolatedRealm();
  await realm.evaluate(AXE_SOURCE);
  const violations = await realm.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run(
            ctx: Document,
            o: object,
          ): Promise<{ violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  // A background tab produces no frames in headless Chromium: its screenshot would never finish.
  await page.bringToFront();
  await page.screenshot({ path: resolve(SHOTS, `${name}.png`), fullPage: true });
}

const aria = (name: string, role: string) => `::-p-aria([name=${JSON.stringify(name)}][role="${role}"])`;

/** Clicks the button with this accessible name (waits until it is visible and enabled). */
export async function clickButton(page: Page, name: string, timeout = 30_000): Promise<void> {
  await page.locator(aria(name, 'button')).setTimeout(timeout).click();
}

/** Clicks a button by name inside the element matching `scope` (a table row, a dialog). */
export async function clickButtonIn(
  page: Page,
  scope: string,
  name: string,
  timeout = 30_000,
): Promise<void> {
  await page
    .locator(`${scope} ${aria(name, 'button')}`)
    .setTimeout(timeout)
    .click();
}

export async function clickLink(page: Page, name: string): Promise<void> {
  await page.locator(aria(name, 'link')).click();
}

/** The input a visible label names (`<label for>`), inside `scope` when given. */
export async function field(
  page: Page,
  label: string,
  scope = 'body',
): Promise<ElementHandle<HTMLInputElement>> {
  const handle = await page.waitForFunction(
    (l, s) => {
      const root = document.querySelector(s);
      if (!root) return null;
      for (const el of root.querySelectorAll('label')) {
        if (el.textContent?.trim() !== l) continue;
        const target = el.htmlFor ? document.getElementById(el.htmlFor) : el.querySelector('input,select');
        if (target && (target as HTMLElement).offsetParent !== null) return target;
      }
      return null;
    },
    { timeout: 30_000 },
    label,
    scope,
  );
  return handle as unknown as ElementHandle<HTMLInputElement>;
}

/** Types into the field a label names, replacing what is there. */
export async function fill(page: Page, label: string, value: string, scope = 'body'): Promise<void> {
  const input = await field(page, label, scope);
  await input.click({ count: 3 });
  await input.evaluate((el) => {
    (el as HTMLInputElement).value = '';
  });
  await input.type(value);
}

/** Checks or unchecks the checkbox a label names. */
export async function setChecked(page: Page, label: string, checked: boolean, scope = 'body'): Promise<void> {
  const box = await page.waitForFunction(
    (l, s) => {
      for (const el of document.querySelector(s)?.querySelectorAll('label') ?? []) {
        const text = el.textContent?.trim() ?? '';
        if (text !== l) continue;
        return (el.htmlFor ? document.getElementById(el.htmlFor) : el.querySelector('input')) ?? null;
      }
      return null;
    },
    { timeout: 30_000 },
    label,
    scope,
  );
  const input = box as unknown as ElementHandle<HTMLInputElement>;
  if ((await input.evaluate((el) => el.checked)) !== checked) await input.click();
}

export const textOf = (page: Page, selector: string) =>
  page.$eval(selector, (el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim());

/** Waits until the element's text contains `text`. */
export async function waitForText(
  page: Page,
  selector: string,
  text: string,
  timeout = 60_000,
): Promise<string> {
  await page.waitForFunction(
    (s, t) => (document.querySelector(s)?.textContent ?? '').replace(/\s+/g, ' ').includes(t),
    { timeout },
    selector,
    text,
  );
  return textOf(page, selector);
}

/**
 * Waits until a section's action finished (its status line idle, a message or an error shown) and
 * returns its outcome. `changedFrom`: the outcome shown before, so that an action that has not
 * started yet is not mistaken for one that finished.
 */
export async function actionOutcome(
  page: Page,
  section: string,
  options: { timeout?: number; changedFrom?: { done: string; error: string } } = {},
): Promise<{ done: string; error: string }> {
  await page.waitForFunction(
    (s, before) => {
      const t = (sel: string) => (document.querySelector(sel)?.textContent ?? '').replace(/\s+/g, ' ').trim();
      const status = document.querySelector(`[data-testid="${s}-status"]`);
      const done = t(`[data-testid="${s}-done"]`);
      const error = t(`[data-testid="${s}-error"]`);
      if (status?.getAttribute('data-state') !== 'idle' || (done === '' && error === '')) return false;
      return before === null || done !== before.done || error !== before.error;
    },
    { timeout: options.timeout ?? 60_000 },
    section,
    options.changedFrom ?? null,
  );
  return currentOutcome(page, section);
}

/** What a section's status line says now. */
export function currentOutcome(page: Page, section: string): Promise<{ done: string; error: string }> {
  return page.evaluate((s) => {
    const t = (sel: string) => (document.querySelector(sel)?.textContent ?? '').replace(/\s+/g, ' ').trim();
    return { done: t(`[data-testid="${s}-done"]`), error: t(`[data-testid="${s}-error"]`) };
  }, section);
}

/** Lets the page save downloads into `dir` (the browser's own download, as a user would get it). */
export async function allowDownloads(page: Page, dir: string): Promise<void> {
  const cdp = await page.createCDPSession();
  await cdp.send('Browser.setDownloadBehavior', {
    behavior: 'allow',
    downloadPath: dir,
    eventsEnabled: true,
  });
}

/** Presses Tab until the focused element's accessible text is `label`; fails after `max` presses. */
export async function tabTo(page: Page, label: string, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return (el?.getAttribute('aria-label') ?? el?.textContent ?? '').replace(/\s+/g, ' ').trim();
    });
    if (focused === label) return;
  }
  throw new Error(`no focusable element labelled "${label}" within ${max} Tab presses`);
}

/** The accessible name (label text) of the focused form field. */
export function focusedFieldLabel(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLInputElement | null;
    const label = el?.id ? document.querySelector(`label[for="${CSS.escape(el.id)}"]`) : null;
    return (label?.textContent ?? '').trim();
  });
}

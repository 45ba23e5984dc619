/**
 * Watches a whole Chromium for token leaks during a hand-off run (SECURITY.md §3.12, T2): every
 * console line of every page and worker, every request URL (pages, the extension's service worker,
 * the key worker), and — on demand — every DOM attribute of the open pages. Tokens are checked by
 * their signature part, which nothing but the token itself contains.
 */
import type { Browser, Page, Target } from 'puppeteer-core';

export type LeakWatch = {
  readonly consoleLines: string[];
  readonly urls: string[];
  /** Every attribute value of every element of every open page (wallet, ERP, popup). */
  domAttributes(): Promise<string[]>;
  stop(): void;
};

async function watchTarget(target: Target, lines: string[], urls: string[]): Promise<void> {
  const type = target.type();
  if (type === 'page') {
    const page = await target.page().catch(() => null);
    if (!page) return;
    page.on('console', (m) => lines.push(`${target.url()} ${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => lines.push(`${target.url()} pageerror: ${String(e)}`));
    page.on('request', (r) => urls.push(r.url()));
    page.on('framenavigated', (f) => urls.push(f.url()));
    urls.push(target.url());
    return;
  }
  if (type === 'service_worker' || type === 'shared_worker') {
    const worker = await target.worker().catch(() => null);
    if (!worker) return;
    worker.on('console', (m) => lines.push(`${target.url()} ${m.type()}: ${m.text()}`));
    urls.push(target.url());
  }
}

export function watchForLeaks(browser: Browser): LeakWatch {
  const consoleLines: string[] = [];
  const urls: string[] = [];
  const seen = new WeakSet<Target>();
  const onTarget = (t: Target) => {
    if (seen.has(t)) return;
    seen.add(t);
    void watchTarget(t, consoleLines, urls);
  };
  const onChanged = (t: Target) => urls.push(t.url());
  for (const t of browser.targets()) onTarget(t);
  browser.on('targetcreated', onTarget);
  browser.on('targetchanged', onChanged);
  return {
    consoleLines,
    urls,
    async domAttributes() {
      const values: string[] = [];
      for (const t of browser.targets()) {
        if (t.type() !== 'page') continue;
        const page: Page | null = await t.page().catch(() => null);
        if (!page || page.isClosed()) continue;
        const attrs = await page
          .evaluate(() => {
            const out: string[] = [];
            for (const el of Array.from(document.querySelectorAll('*')))
              for (const a of Array.from(el.attributes)) out.push(a.value);
            // Form fields keep typed text in a property, not an attribute: look there too.
            for (const el of Array.from(document.querySelectorAll('input, textarea')))
              out.push((el as HTMLInputElement).value);
            return out;
          })
          .catch(() => [] as string[]);
        values.push(...attrs);
      }
      return values;
    },
    stop() {
      browser.off('targetcreated', onTarget);
      browser.off('targetchanged', onChanged);
    },
  };
}

/** The part of a JWT only the token itself contains (its signature), for leak checks. */
export const tokenMark = (jwt: string): string => jwt.split('.')[2] ?? jwt;

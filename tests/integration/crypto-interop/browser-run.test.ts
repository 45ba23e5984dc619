/**
 * The crypto core suite inside headless Chromium (/usr/bin/chromium), not only in Node: the bundle
 * of tests/browser/crypto/browser-entry.ts runs the same CORE_CASES with the browser's Web Crypto,
 * whose non-extractable keys `exportKey` cannot read. Each case is reported back as its own test.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseOutcome } from '../../browser/crypto/browser-entry.ts';
import { CORE_CASES } from '../../browser/crypto/core-suite.ts';
import { tempDir } from './openssl.ts';

const root = resolve(import.meta.dirname, '../../..');
const tmp = tempDir();
let server: Server | undefined;
let browser: Browser | undefined;
let outcomes: Map<string, CaseOutcome> = new Map();

beforeAll(async () => {
  execFileSync(
    'npx',
    ['vite', 'build', '--config', 'tests/browser/crypto/vite.config.ts', '--outDir', tmp.dir],
    {
      cwd: root,
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const script = readFileSync(resolve(tmp.dir, 'crypto-suite.js'));
  const page = Buffer.from(
    '<!doctype html><meta charset="utf-8"><title>crypto suite</title><script src="/crypto-suite.js"></script>',
  );
  server = createServer((req, res) => {
    const [body, type] = req.url === '/crypto-suite.js' ? [script, 'text/javascript'] : [page, 'text/html'];
    res.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' });
    res.end(body);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  browser = await puppeteer.launch({
    executablePath: process.env.CHROME_PATH ?? '/usr/bin/chromium',
    headless: true,
    userDataDir: resolve(tmp.dir, 'profile'),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
    ],
  });
  const tab = await browser.newPage();
  await tab.goto(`http://127.0.0.1:${port}/`);
  const results = (await tab.evaluate(() => window.__cryptoSuite)) ?? [];
  outcomes = new Map(results.map((o) => [o.name, o]));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  tmp.cleanup();
});

describe('crypto core in headless Chromium', () => {
  it('ran every case of the shared suite', () => {
    expect([...outcomes.keys()]).toEqual(CORE_CASES.map((c) => c.name));
  });
  for (const c of CORE_CASES) {
    it(c.name, () => {
      const o = outcomes.get(c.name);
      expect(o, 'case did not run in the browser').toBeDefined();
      expect(o?.error ?? '').toBe('');
      expect(o?.ok).toBe(true);
    });
  }
});

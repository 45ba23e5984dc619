/**
 * The first slice of the plumbing, end to end in real Chromium: the PWA page talks to the
 * extension through externally_connectable, the background checks the sender, the envelope and
 * the per-sender allowlist, and performs a KSeF API call to a loopback server that sends no CORS
 * headers. Everything that would make it an open proxy is refused (SECURITY.md T5, T6).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EXTENSION_ID } from '../../shared/protocol/constants.ts';
import { launchBrowser, type TestBrowser, waitForExtensionWorker } from './harness/browser.ts';
import { type LocalServer, startLocalServer } from './harness/local-servers.ts';

const CHALLENGE = {
  challenge: '20250514-CR-2DFC46C000-3AC6D5877F-D4',
  timestamp: '2025-05-14T10:00:00.0000000+00:00',
  timestampMs: 1747216800000,
  clientIp: '127.0.0.1',
};

let b: TestBrowser;
let api: LocalServer;
let foreign: LocalServer;
let pwa: Page;

/** Sends one raw message from the page's own JavaScript context, as any script on that page could. */
function sendFromPage(page: Page, message: unknown): Promise<unknown> {
  return page.evaluate(
    (extId, msg) =>
      new Promise((resolve) => {
        const rt = (
          globalThis as unknown as {
            chrome?: {
              runtime?: { sendMessage?: (...args: unknown[]) => void; lastError?: { message: string } };
            };
          }
        ).chrome?.runtime;
        if (!rt?.sendMessage) return resolve({ noRuntime: true });
        rt.sendMessage(extId, msg, (reply: unknown) =>
          resolve(reply ?? { lastError: rt.lastError?.message ?? 'none' }),
        );
      }),
    EXTENSION_ID,
    message as never,
  );
}

const envelope = (
  kind: string,
  payload: unknown,
  id = `test-${Math.random().toString(36).slice(2, 12)}`,
) => ({
  protocol: 'ksef-wallet',
  v: 1,
  id,
  kind,
  payload,
});

beforeAll(async () => {
  api = await startLocalServer({
    'POST /v2/auth/challenge': () => ({
      status: 200,
      headers: { 'content-type': 'application/json', 'x-internal': 'dropped' },
      body: JSON.stringify(CHALLENGE),
    }),
    'GET /v2/certificates/limits': () => ({ status: 302, headers: { location: '/v2/auth/challenge' } }),
    'GET /v2/security/public-key-certificates': () => ({
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(2 * 1024 * 1024, 0x20),
    }),
  });
  foreign = await startLocalServer({
    'GET /': () => ({
      status: 200,
      headers: { 'content-type': 'text/html' },
      body: '<!doctype html><title>Obca strona</title><p>evil</p>',
    }),
  });
  b = await launchBrowser({ extensionDir: inject('extensionDir') });
  await waitForExtensionWorker(b);
  expect(b.extensionId).toBe(EXTENSION_ID);

  // A user adds the local server as a custom environment in the extension's options.
  const options = await b.newPage();
  await options.goto(`chrome-extension://${b.extensionId}/options.html`);
  await options.locator('input[name="label"]').fill('Serwer testowy');
  await options.locator('input[name="url"]').fill(`${api.origin}/v2`);
  await options.locator('button[type="submit"]').click();
  await options.waitForSelector('li[data-env-id="custom:serwer-testowy"]');
  await options.close();

  pwa = await b.newPage();
  await pwa.goto(`${inject('pwaOrigin')}/`);
}, 120_000);

afterAll(async () => {
  await b?.close();
  await api?.close();
  await foreign?.close();
});

describe('PWA ↔ extension bridge', () => {
  it('shows in the PWA that the extension is connected, with the environments it can reach', async () => {
    const status = await pwa.waitForSelector('[data-testid="extension-status"][data-state="connected"]');
    expect(await status!.evaluate((el) => el.textContent)).toContain('Rozszerzenie KSeF Wallet połączone');
    const text = await pwa.$eval('main', (el) => el.textContent ?? '');
    expect(text).toContain('https://api-test.ksef.mf.gov.pl/v2');
    expect(text).toContain(`${api.origin}/v2`);
  });

  it('performs a KSeF call for the PWA to a server that sends no CORS headers, and returns status, headers and body', async () => {
    const before = api.requests.length;
    const reply = (await sendFromPage(
      pwa,
      envelope('transport.send', {
        env: 'custom:serwer-testowy',
        operation: 'POST /auth/challenge',
        headers: { 'content-type': 'application/json', 'x-error-format': 'problem-details' },
        body: '{}',
      }),
    )) as { ok: boolean; value: { status: number; headers: Record<string, string>; body: string } };
    expect(reply.ok).toBe(true);
    expect(reply.value.status).toBe(200);
    expect(JSON.parse(reply.value.body)).toEqual(CHALLENGE);
    expect(reply.value.headers['content-type']).toBe('application/json');
    expect(reply.value.headers).not.toHaveProperty('x-internal');
    const seen = api.requests.slice(before);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.url).toBe('/v2/auth/challenge');
    expect(seen[0]!.headers.cookie).toBeUndefined();
    expect(seen[0]!.headers['x-error-format']).toBe('problem-details');
  });

  it('is needed: the page itself cannot read the same server (no CORS headers)', async () => {
    const outcome = await pwa.evaluate(async (url) => {
      try {
        await fetch(url, { method: 'POST', body: '{}' });
        return 'read';
      } catch (e) {
        return (e as Error).name;
      }
    }, `${api.origin}/v2/auth/challenge`);
    expect(outcome).not.toBe('read');
  });

  it('does not follow a redirect', async () => {
    const before = api.requests.length;
    const reply = (await sendFromPage(
      pwa,
      envelope('transport.send', { env: 'custom:serwer-testowy', operation: 'GET /certificates/limits' }),
    )) as {
      ok: boolean;
      error: { code: string };
    };
    expect(reply).toMatchObject({ ok: false, error: { code: 'REDIRECT_REFUSED' } });
    expect(api.requests.slice(before).map((r) => r.url)).toEqual(['/v2/certificates/limits']);
  });

  it('refuses a response body over 1 MiB', async () => {
    const reply = await sendFromPage(
      pwa,
      envelope('transport.send', {
        env: 'custom:serwer-testowy',
        operation: 'GET /security/public-key-certificates',
      }),
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'RESPONSE_TOO_LARGE' } });
  });

  it.each([
    [
      'a URL instead of an operation',
      { env: 'custom:serwer-testowy', operation: 'http://127.0.0.1:1/v2/auth/challenge' },
      'BAD_MESSAGE',
    ],
    [
      'an operation outside the KSeF auth API',
      {
        env: 'custom:serwer-testowy',
        operation: 'GET /invoices/ksef/{ksefNumber}',
        pathParams: { ksefNumber: 'x' },
      },
      'BAD_MESSAGE',
    ],
    [
      'a path that climbs out',
      {
        env: 'custom:serwer-testowy',
        operation: 'GET /auth/{referenceNumber}',
        pathParams: { referenceNumber: '../../admin' },
      },
      'BAD_PARAMS',
    ],
    [
      'a url field smuggled into the payload',
      { env: 'custom:serwer-testowy', operation: 'POST /auth/challenge', url: 'http://127.0.0.1:9/' },
      'BAD_MESSAGE',
    ],
    [
      'a header outside the allowlist',
      { env: 'custom:serwer-testowy', operation: 'POST /auth/challenge', headers: { cookie: 'a=b' } },
      'BAD_PARAMS',
    ],
    [
      'an environment nobody configured',
      { env: 'custom:elsewhere', operation: 'POST /auth/challenge' },
      'UNKNOWN_ENVIRONMENT',
    ],
    [
      'test data on production',
      { env: 'PRD', operation: 'POST /testdata/subject', body: '{}' },
      'NOT_ALLOWED',
    ],
  ])('refuses %s', async (_label, payload, code) => {
    const before = api.requests.length;
    const reply = await sendFromPage(pwa, envelope('transport.send', payload));
    expect(reply).toMatchObject({ ok: false, error: { code } });
    expect(api.requests.length).toBe(before);
  });

  it('refuses an unknown message kind and a wrong protocol version', async () => {
    expect(await sendFromPage(pwa, envelope('vault.export', {}))).toMatchObject({
      ok: false,
      error: { code: 'BAD_MESSAGE' },
    });
    expect(await sendFromPage(pwa, { ...envelope('ping', {}), v: 2 })).toMatchObject({
      ok: false,
      error: { code: 'BAD_MESSAGE' },
    });
    expect(await sendFromPage(pwa, 'ping')).toMatchObject({ ok: false, error: { code: 'BAD_MESSAGE' } });
  });

  it('refuses a page on another origin, even on the same host', async () => {
    const page = await b.newPage();
    await page.goto(`${foreign.origin}/`);
    const before = api.requests.length;
    const reply = await sendFromPage(
      page,
      envelope('transport.send', {
        env: 'custom:serwer-testowy',
        operation: 'POST /auth/challenge',
        body: '{}',
      }),
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'SENDER_REJECTED' } });
    expect(await sendFromPage(page, envelope('ping', {}))).toMatchObject({
      ok: false,
      error: { code: 'SENDER_REJECTED' },
    });
    expect(api.requests.length).toBe(before);
    await page.close();
  });

  it('gives another extension no answer at all', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'other-extension-'));
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify({
        manifest_version: 3,
        name: 'Other',
        version: '1.0',
        background: { service_worker: 'sw.js' },
      }),
    );
    writeFileSync(join(dir, 'sw.js'), 'self.addEventListener("install", () => {});');
    const otherId = await b.browser.installExtension(dir);
    const target = await b.browser.waitForTarget(
      (t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${otherId}/`),
    );
    const worker = await target.worker();
    const outcome = await worker!.evaluate(
      (extId, msg) =>
        new Promise((resolve) => {
          chrome.runtime.sendMessage(extId, msg, (reply: unknown) =>
            resolve(reply ?? { lastError: chrome.runtime.lastError?.message ?? 'none' }),
          );
        }),
      EXTENSION_ID,
      envelope('transport.send', {
        env: 'custom:serwer-testowy',
        operation: 'POST /auth/challenge',
        body: '{}',
      }) as never,
    );
    expect(outcome).toHaveProperty('lastError');
    expect(JSON.stringify(outcome)).not.toContain('"ok"');
  });
});

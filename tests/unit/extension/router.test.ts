import { describe, expect, it } from 'vitest';
import { classifySender, type MessageSenderLike } from '../../../extension/router/classify-sender.ts';
import { createHandlers } from '../../../extension/router/handlers.ts';
import { route } from '../../../extension/router/route.ts';
import type { KsefRequest } from '../../../shared/ksef/transport-types.ts';
import { makeEnvelope } from '../../../shared/protocol/envelope.ts';
import { ok } from '../../../shared/result.ts';

const self = { extensionId: 'ebdilphlfnmmofiipegbncigggfpnjbc', pwaOrigin: 'http://127.0.0.1:5180' };

describe('classifySender', () => {
  it.each<[string, 'external' | 'internal', MessageSenderLike, string]>([
    [
      'the PWA page',
      'external',
      { origin: 'http://127.0.0.1:5180', url: 'http://127.0.0.1:5180/', tab: { id: 1 }, frameId: 0 },
      'pwa',
    ],
    [
      'another port on the same host',
      'external',
      { origin: 'http://127.0.0.1:5181', url: 'http://127.0.0.1:5181/', tab: { id: 1 } },
      'untrusted',
    ],
    [
      'a look-alike origin with a path trick',
      'external',
      { url: 'http://127.0.0.1:5180.evil.test/' },
      'untrusted',
    ],
    ['an opaque origin', 'external', { origin: 'null', url: 'data:text/html,x' }, 'untrusted'],
    [
      'another extension',
      'external',
      {
        id: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
        url: 'chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/x',
      },
      'untrusted',
    ],
    [
      'another extension claiming the PWA origin',
      'external',
      { id: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', origin: 'http://127.0.0.1:5180' },
      'untrusted',
    ],
    [
      'our popup',
      'internal',
      { id: self.extensionId, url: `chrome-extension://${self.extensionId}/popup.html` },
      'extension-page',
    ],
    [
      'our options page opened in a tab',
      'internal',
      {
        id: self.extensionId,
        origin: `chrome-extension://${self.extensionId}`,
        url: `chrome-extension://${self.extensionId}/options.html`,
        tab: { id: 4 },
        frameId: 0,
      },
      'extension-page',
    ],
    [
      'our content script on a page that claims an extension URL in its origin',
      'internal',
      {
        id: self.extensionId,
        origin: 'https://erp.example',
        url: `chrome-extension://${self.extensionId}/options.html`,
        tab: { id: 4 },
        frameId: 0,
      },
      'content-script',
    ],
    [
      'our content script in a top frame',
      'internal',
      {
        id: self.extensionId,
        origin: 'https://erp.example',
        url: 'https://erp.example/',
        tab: { id: 7 },
        frameId: 0,
      },
      'content-script',
    ],
    [
      'our content script in a sub-frame',
      'internal',
      { id: self.extensionId, origin: 'https://erp.example', tab: { id: 7 }, frameId: 3 },
      'untrusted',
    ],
    [
      'an internal message from elsewhere',
      'internal',
      { id: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', url: 'chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/' },
      'untrusted',
    ],
  ])('classifies %s', (_label, channel, sender, kind) => {
    expect(classifySender(channel, sender, self).kind).toBe(kind);
  });
});

describe('route', () => {
  const sent: KsefRequest[] = [];
  const handlers = createHandlers({
    extensionVersion: '0.1.0',
    transport: {
      send: async (req) => {
        sent.push(req);
        return ok({ status: 200, headers: {}, body: '{}' });
      },
    },
    environments: {
      list: async () => [],
      resolveBaseUrl: async () => null,
      addCustom: async () => {
        throw new Error('not used');
      },
      removeCustom: async () => {},
    },
  });
  const request = makeEnvelope(
    'transport.send',
    { env: 'TEST', operation: 'POST /auth/challenge', body: '{}' },
    'request-0001',
  );

  it('runs a transport request from the PWA', async () => {
    const reply = await route(request, { kind: 'pwa', origin: self.pwaOrigin }, handlers);
    expect(reply).toMatchObject({ ok: true, id: 'request-0001', value: { status: 200 } });
    expect(sent).toHaveLength(1);
  });

  it('checks the sender before reading the message', async () => {
    const before = sent.length;
    const reply = await route(
      {
        get protocol(): string {
          throw new Error('payload was read');
        },
      },
      { kind: 'untrusted', reason: 'x' },
      handlers,
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'SENDER_REJECTED' } });
    expect(sent.length).toBe(before);
  });

  it('refuses transport to an ERP content script (per-sender allowlist)', async () => {
    const reply = await route(
      request,
      { kind: 'content-script', origin: 'https://erp.example', tabId: 1, frameId: 0 },
      handlers,
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED' } });
  });

  it('refuses transport to extension pages, which have no business with KSeF traffic', async () => {
    const reply = await route(
      request,
      { kind: 'extension-page', url: 'chrome-extension://x/popup.html' },
      handlers,
    );
    expect(reply).toMatchObject({ ok: false, error: { code: 'NOT_ALLOWED' } });
  });

  it('answers a handler crash with INTERNAL and no detail', async () => {
    const reply = await route(
      makeEnvelope('ping', {}, 'request-0002'),
      { kind: 'pwa', origin: self.pwaOrigin },
      {
        ping: {
          from: ['pwa'],
          run: async () => {
            throw new Error('secret-ish internals');
          },
        },
      },
    );
    expect(reply).toEqual({
      protocol: 'ksef-wallet',
      v: 1,
      id: 'request-0002',
      ok: false,
      error: { code: 'INTERNAL' },
    });
  });
});

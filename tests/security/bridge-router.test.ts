/**
 * T5 (confused deputy) and T6 (open proxy) at the background's front door: generated envelopes and
 * browser-stamped senders through the real classifySender → route → handlers, with the real fetch
 * transport pointed at a loopback server that records what reaches "KSeF".
 *
 * A case leaks when a refused message got anything: a successful reply, a fetch() by the transport,
 * a request at the server, a change in the extension's database, or a planted secret (or anything
 * shaped like a JWT / KSeF token) echoed in the error. Each family has a positive control: the
 * same background does answer a well-formed message from the wallet, so the detectors are live.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageSenderLike } from '../../extension/router/classify-sender.ts';
import { ENVELOPE_LIMITS, PROTOCOL, PROTOCOL_VERSION } from '../../shared/protocol/constants.ts';
import type { Reply } from '../../shared/protocol/envelope.ts';
import { MESSAGE_KINDS } from '../../shared/protocol/messages.ts';
import { ERROR_CODES } from '../../shared/result.ts';
import { tally } from './ledger.ts';
import {
  type AttackedBackground,
  attackedBackground,
  EXTENSION_ID,
  type LoopbackServer,
  PWA_ORIGIN,
  startLoopbackServer,
} from './support/background.ts';
import { seeded } from './support/prng.ts';
import { findLeaks, marker, markerJwt, markerKsefToken } from './support/secrets.ts';

let ksef: LoopbackServer;
let bg: AttackedBackground;
const NIP = '5265877635';
const PWA_SENDER: MessageSenderLike = {
  origin: PWA_ORIGIN,
  url: `${PWA_ORIGIN}/`,
  tab: { id: 50 },
  frameId: 0,
};

beforeAll(async () => {
  ksef = await startLoopbackServer();
  bg = await attackedBackground(ksef);
});
afterAll(async () => {
  await ksef.close();
});

const envelope = (kind: string, payload: unknown, id = 'request-00000001') => ({
  protocol: PROTOCOL,
  v: PROTOCOL_VERSION,
  id,
  kind,
  payload,
});
const challengeRequest = () =>
  envelope('transport.send', {
    env: bg.sandboxEnv,
    operation: 'POST /auth/challenge',
    headers: { 'content-type': 'application/json' },
    body: '{}',
  });

/** Everything that could show a refused message had an effect. */
async function observe(run: () => Promise<Reply>, secrets: readonly string[]) {
  const fetches = bg.fetchCalls;
  const hits = ksef.hits.length;
  const before = await bg.bg.dump();
  const reply = await run();
  const after = await bg.bg.dump();
  const text = JSON.stringify(reply);
  const problems = [
    ...(reply.ok ? ['answered'] : []),
    ...(bg.fetchCalls !== fetches ? ['transport fetched'] : []),
    ...(ksef.hits.length !== hits ? ['server reached'] : []),
    ...(after !== before ? ['extension database changed'] : []),
    ...findLeaks(text, secrets),
  ];
  const code = reply.ok ? undefined : reply.error.code;
  return { reply, code, problems };
}

describe('the wallet itself is answered (positive control)', () => {
  it('runs a well-formed transport request from the wallet: one fetch, one request at the server', async () => {
    const fetches = bg.fetchCalls;
    const hits = ksef.hits.length;
    const reply = await bg.deliver('external', challengeRequest(), PWA_SENDER);
    expect(reply).toMatchObject({ ok: true, value: { status: 200 } });
    expect(bg.fetchCalls).toBe(fetches + 1);
    expect(ksef.hits.slice(hits).map((h) => `${h.method} ${h.url}`)).toEqual(['POST /v2/auth/challenge']);
  });
});

describe('foreign senders get nothing (T5)', () => {
  const OTHER_IDS = [
    'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
    'ebdilphlfnmmofiipegbncigggfpnjbd',
    'mhjfbmdgcfjbbpaeojofohoefgiehjai',
  ];
  const pwaPort = Number(new URL(PWA_ORIGIN).port);
  const lookalikeOrigins = [
    `http://127.0.0.1:${pwaPort + 1}`,
    `http://127.0.0.1:${pwaPort - 1}`,
    `https://127.0.0.1:${pwaPort}`,
    `http://localhost:${pwaPort}`,
    `http://[::1]:${pwaPort}`,
    `http://127.0.0.2:${pwaPort}`,
    'http://127.0.0.1',
    `http://127.0.0.1:${pwaPort}0`,
    `http://127.0.0.1.evil.test:${pwaPort}`,
    `http://evil.test`,
    'https://erp.example',
    'null',
    `chrome-extension://${OTHER_IDS[0]}`,
  ];
  const foreignUrls = (rand: ReturnType<typeof seeded>) => [
    `${rand.pick(lookalikeOrigins.filter((o) => o !== 'null'))}/`,
    `http://127.0.0.1:${pwaPort}.evil.test/`,
    `http://evil.test/${PWA_ORIGIN}/`,
    `http://evil.test/?next=${encodeURIComponent(PWA_ORIGIN)}`,
    'data:text/html,<script>chrome.runtime.sendMessage()</script>',
    'about:blank',
    'about:srcdoc',
    `blob:http://evil.test/${rand.string(8)}`,
    'file:///etc/passwd',
    `chrome-extension://${rand.pick(OTHER_IDS)}/page.html`,
    'javascript:alert(1)',
    'not a url',
  ];

  /** A browser-stamped sender that is not the wallet, not our popup, not our top-frame content script. */
  function foreignSender(rand: ReturnType<typeof seeded>): {
    channel: 'external' | 'internal';
    sender: MessageSenderLike;
    label: string;
  } {
    const tab = { id: rand.int(1, 500) };
    switch (rand.int(0, 7)) {
      case 0: // another extension, whatever it claims
        return {
          channel: 'external',
          label: 'another extension',
          sender: {
            id: rand.pick(OTHER_IDS),
            origin: rand.pick([PWA_ORIGIN, `chrome-extension://${rand.pick(OTHER_IDS)}`]),
            url: rand.pick([`${PWA_ORIGIN}/`, `chrome-extension://${rand.pick(OTHER_IDS)}/bg.js`]),
            ...(rand.chance(0.5) ? { tab, frameId: 0 } : {}),
          },
        };
      case 1: // a web page on a look-alike origin (another port, scheme, host spelling)
        return {
          channel: 'external',
          label: 'look-alike origin',
          sender: { origin: rand.pick(lookalikeOrigins), url: rand.pick(foreignUrls(rand)), tab, frameId: 0 },
        };
      case 2: // a page whose URL, not origin, is all the browser gave
        return {
          channel: 'external',
          label: 'foreign URL without origin',
          sender: { url: rand.pick(foreignUrls(rand)), tab, frameId: rand.int(0, 3) },
        };
      case 3: // nothing at all
        return { channel: rand.pick(['external', 'internal'] as const), label: 'no evidence', sender: {} };
      case 4: // another extension on the internal channel
        return {
          channel: 'internal',
          label: 'another extension, internal',
          sender: {
            id: rand.pick(OTHER_IDS),
            url: `chrome-extension://${rand.pick(OTHER_IDS)}/x.html`,
            ...(rand.chance(0.5) ? { tab, frameId: 0, origin: 'https://erp.example' } : {}),
          },
        };
      case 5: // our content script in a sub-frame (an ERP page framing an attacker, or the reverse)
        return {
          channel: 'internal',
          label: 'our content script in a sub-frame',
          sender: {
            id: EXTENSION_ID,
            origin: rand.pick(['https://erp.example', 'http://evil.test', PWA_ORIGIN]),
            url: 'https://erp.example/frame',
            tab,
            frameId: rand.int(1, 40),
            documentId: rand.string(32, 'ABCDEF0123456789'),
          },
        };
      case 6: // our id, but neither a tab nor one of our own pages
        return {
          channel: 'internal',
          label: 'our id, unknown context',
          sender: {
            id: EXTENSION_ID,
            url: rand.pick([
              'https://erp.example/',
              `chrome-extension://${rand.pick(OTHER_IDS)}/popup.html`,
              `chrome-extension://${EXTENSION_ID}.evil/popup.html`,
            ]),
          },
        };
      default: // our content script in a top frame with no origin to speak of
        return {
          channel: 'internal',
          label: 'content script without origin',
          sender: {
            id: EXTENSION_ID,
            origin: 'null',
            url: rand.pick(['about:blank', 'data:,x']),
            tab,
            frameId: 0,
          },
        };
    }
  }

  /** A well-formed message of any kind; payloads valid where the kind is simple, secret-bearing where possible. */
  function wellFormed(rand: ReturnType<typeof seeded>, secrets: string[]) {
    const jwt = markerJwt();
    secrets.push(jwt);
    return rand.pick([
      () => challengeRequest(),
      () =>
        envelope('transport.send', {
          env: bg.sandboxEnv,
          operation: 'GET /auth/sessions',
          headers: { authorization: `Bearer ${jwt}` },
        }),
      () => envelope('ping', {}),
      () => envelope('environments.list', {}),
      () => envelope('approvals.list', {}),
      () => envelope('activity.list', {}),
      () => envelope('wallet.state', { locked: false, unlockedUntil: bg.bg.clock.now + 3_600_000 }),
      () => envelope('refusals.clear', { origin: 'https://erp.example' }),
      () => envelope('handoff.get', { handoffId: 'AAAAAAAAAAAAAAAAAAAAAA' }),
      () => envelope('erp.enable', { origin: 'https://evil.example' }),
      () => envelope('popup.login', { tabId: 7, nip: NIP, environment: 'TEST' }),
    ])();
  }

  it('refuses 300 generated foreign senders before reading their message, with a stable code', async () => {
    const rand = seeded(5_2026_12_01);
    const t = tally('T5', 'foreign senders × well-formed messages');
    const labels = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const secrets: string[] = [];
      const { channel, sender, label } = foreignSender(rand);
      labels.add(label);
      const msg = wellFormed(rand, secrets);
      const { code, problems } = await observe(() => bg.deliver(channel, msg, sender), secrets);
      const precise = code === 'SENDER_REJECTED';
      t.add({
        leaked: problems.length > 0,
        note: `#${i} ${label} ${JSON.stringify(sender)}: ${problems.join(', ')}`,
      });
      expect(precise, `#${i} ${label} ${JSON.stringify(sender)} → ${code}`).toBe(true);
    }
    const r = t.record();
    expect(r.notes).toEqual([]);
    expect(labels.size).toBe(8);
  });

  it('gives our own content script in an ERP page nothing but hand-off requests (300 messages)', async () => {
    const rand = seeded(77);
    const t = tally('T5', 'ERP content script × every other kind');
    const kinds = MESSAGE_KINDS.filter((k) => k !== 'handoff.request');
    for (let i = 0; i < 300; i++) {
      const secrets: string[] = [];
      const tabId = rand.int(1, 99);
      const sender: MessageSenderLike = {
        id: EXTENSION_ID,
        origin: rand.pick(['https://erp.example', 'http://127.0.0.1:8080', 'https://evil.example']),
        url: 'https://erp.example/invoices',
        tab: { id: tabId },
        frameId: 0,
        documentId: rand.string(32, 'ABCDEF0123456789'),
      };
      // Well-formed where we can build it, plausible otherwise: NOT_ALLOWED must come from the
      // allowlist, before any handler, whatever the payload.
      const kind = rand.pick(kinds);
      const msg =
        kind === 'transport.send' || rand.chance(0.3) ? wellFormed(rand, secrets) : envelope(kind, {});
      const { code, problems } = await observe(() => bg.deliver('internal', msg, sender), secrets);
      const allowedCodes = ['NOT_ALLOWED', 'BAD_MESSAGE'];
      t.add({ leaked: problems.length > 0, note: `#${i} ${msg.kind}: ${problems.join(', ')}` });
      expect(allowedCodes, `#${i} ${msg.kind} → ${code}`).toContain(code);
      if (msg.kind === 'transport.send') expect(code).toBe('NOT_ALLOWED');
    }
    expect(t.record().notes).toEqual([]);
  });
});

describe('malformed envelopes from the wallet are refused (T5, T6)', () => {
  type Mutation = { label: string; raw: () => unknown; secrets: string[] };

  /** Each generator yields a message that is certainly wrong, often carrying a planted secret. */
  function malformed(rand: ReturnType<typeof seeded>): Mutation {
    const secret = rand.pick([marker('bridge'), markerJwt(), markerKsefToken(NIP)]);
    const base = () => challengeRequest() as Record<string, unknown> & { payload: Record<string, unknown> };
    const withPayload = (patch: Record<string, unknown>) => {
      const m = base();
      return { ...m, payload: { ...m.payload, ...patch } };
    };
    const gens: (() => Omit<Mutation, 'secrets'>)[] = [
      () => ({
        label: 'not an object',
        raw: () => rand.pick([null, undefined, 0, 42n, 'ping', [], true, secret]),
      }),
      () => ({
        label: 'wrong protocol',
        raw: () => ({ ...base(), protocol: rand.pick(['ksef', 'KSEF-WALLET', secret, 1]) }),
      }),
      () => ({
        label: 'wrong version',
        raw: () => ({ ...base(), v: rand.pick([0, 2, '1', 1.5, -1, null, 2 ** 53]) }),
      }),
      () => ({
        label: 'bad id',
        raw: () => ({
          ...base(),
          id: rand.pick(['', 'short', 'a'.repeat(65), 'id with space', `${secret}!`, 7, null]),
        }),
      }),
      () => ({
        label: 'unknown kind',
        raw: () => ({
          ...base(),
          kind: rand.pick([
            'transport.fetch',
            'sign',
            'decrypt',
            '__proto__',
            'constructor',
            'toString',
            'PING',
            secret,
          ]),
        }),
      }),
      () => ({
        label: 'extra envelope key',
        raw: () => ({ ...base(), [rand.pick(['url', 'origin', 'sender', 'extra'])]: secret }),
      }),
      () => ({
        label: 'missing key',
        raw: () => {
          const m: Record<string, unknown> = base();
          delete m[rand.pick(['protocol', 'v', 'id', 'kind', 'payload'])];
          return m;
        },
      }),
      () => ({
        label: 'extra payload key',
        raw: () =>
          withPayload({
            [rand.pick(['url', 'baseUrl', 'host', 'redirect', 'credentials', 'method'])]: rand.pick([
              'http://evil.test/',
              secret,
            ]),
          }),
      }),
      () => ({
        label: 'unknown environment',
        raw: () =>
          withPayload({
            env: rand.pick([
              'PROD',
              'test',
              'custom:',
              'custom:EVIL',
              'custom:../x',
              'custom:a/b',
              'http://evil.test/v2',
              secret,
              3,
            ]),
          }),
      }),
      () => ({
        label: 'custom environment nobody added',
        raw: () => withPayload({ env: `custom:${rand.string(6, 'abcdefghijklmnopqrstuvwxyz')}` }),
      }),
      () => ({
        label: 'operation outside the allowlist',
        raw: () =>
          withPayload({
            operation: rand.pick([
              'GET https://evil.test/',
              'POST /auth/challenge?x=1',
              'GET /invoices/ksef/{ksefNumber}',
              'post /auth/challenge',
              'POST  /auth/challenge',
              'GET /../auth/challenge',
              secret,
            ]),
          }),
      }),
      () => ({
        label: 'path parameter escaping the path',
        raw: () => ({
          ...base(),
          payload: {
            env: bg.sandboxEnv,
            operation: 'GET /auth/{referenceNumber}',
            pathParams: {
              referenceNumber: rand.pick([
                '..',
                '../..',
                '%2e%2e',
                'a/b',
                'a\\b',
                'a?b',
                'a#b',
                '@evil.test',
                'x'.repeat(65),
                '',
              ]),
            },
          },
        }),
      }),
      () => ({
        label: 'header outside the allowlist',
        raw: () =>
          withPayload({
            headers: {
              [rand.pick(['cookie', 'host', 'origin', 'x-forwarded-for', 'proxy-authorization', 'referer'])]:
                secret,
            },
          }),
      }),
      () => ({
        label: 'header injection',
        raw: () => withPayload({ headers: { authorization: `Bearer ${secret}\r\nhost: evil.test` } }),
      }),
      () => ({
        label: 'query parameter the operation does not have',
        raw: () => withPayload({ query: { [rand.pick(['redirect', 'url', 'callback'])]: 'x' } }),
      }),
      () => ({
        label: 'body of the wrong type',
        raw: () => withPayload({ body: rand.pick([{ token: secret }, 1, [secret]]) }),
      }),
      () => ({
        label: 'body over 1 MiB',
        raw: () =>
          withPayload({ body: `{"x":"${secret}${'ż'.repeat(ENVELOPE_LIMITS.MAX_BODY_BYTES / 2 + 1)}"}` }),
      }),
      () => ({
        label: 'envelope far over its cap',
        raw: () =>
          withPayload({
            headers: Object.fromEntries(
              Array.from({ length: 64 }, (_, k) => [`x-pad-${k}`, 'p'.repeat(60_000)]),
            ),
          }),
      }),
      () => ({
        label: 'a getter that throws',
        raw: () => {
          const m = base();
          Object.defineProperty(m, 'payload', {
            enumerable: true,
            get() {
              throw new Error(secret);
            },
          });
          return m;
        },
      }),
      () => ({
        label: 'a cycle',
        raw: () => {
          const m = base();
          (m.payload as Record<string, unknown>).self = m;
          return m;
        },
      }),
      () => ({
        label: 'prototype pollution keys',
        raw: () =>
          JSON.parse(
            `{"protocol":"${PROTOCOL}","v":1,"id":"request-00000009","kind":"ping","payload":{"__proto__":{"polluted":"${secret}"}}}`,
          ),
      }),
      () => ({
        label: 'a hand-off completion for nobody, carrying a token',
        raw: () =>
          envelope('handoff.complete', {
            handoffId: rand.pick(['AAAAAAAAAAAAAAAAAAAAAA', 'x', secret]),
            outcome: 'session',
            session: { accessToken: secret, environment: 'TEST', nip: NIP },
          }),
      }),
    ];
    const g = rand.pick(gens)();
    return { ...g, secrets: [secret] };
  }

  it('refuses 400 generated malformed envelopes with a stable code, no fetch, no change, no echoed secret', async () => {
    const rand = seeded(20261201);
    const t = tally('T5', 'malformed envelopes from the wallet');
    const labels = new Set<string>();
    const codes = new Map<string, number>();
    for (let i = 0; i < 400; i++) {
      const m = malformed(rand);
      labels.add(m.label);
      let raw: unknown;
      try {
        raw = m.raw();
      } catch {
        raw = undefined;
      }
      const { code, problems } = await observe(() => bg.deliver('external', raw, PWA_SENDER), m.secrets);
      codes.set(code ?? 'ok', (codes.get(code ?? 'ok') ?? 0) + 1);
      t.add({ leaked: problems.length > 0, note: `#${i} ${m.label}: ${problems.join(', ')}` });
      expect(ERROR_CODES, `#${i} ${m.label}`).toContain(code);
    }
    const r = t.record();
    expect(r.notes).toEqual([]);
    expect(labels.size).toBeGreaterThanOrEqual(20);
    // Refusals are precise: a malformed envelope is BAD_MESSAGE, a well-formed but unusable request
    // names what is wrong — never INTERNAL (a handler that crashed).
    expect([...codes.keys()].sort()).not.toContain('INTERNAL');
    expect([...codes.keys()].sort()).not.toContain('ok');
  });

  it('the detectors are live: an echoed secret and a database change are seen (positive control)', async () => {
    const secret = marker('control');
    const t = tally('T5', 'detector controls');
    const echoed = findLeaks(JSON.stringify({ ok: false, error: { code: 'BAD_MESSAGE', detail: secret } }), [
      secret,
    ]);
    expect(echoed.length).toBeGreaterThan(0);
    t.control();
    const { problems } = await observe(async () => {
      await bg.bg.db.erpSites.put({ origin: 'https://planted.example', enabledAt: 1 });
      return { protocol: PROTOCOL, v: PROTOCOL_VERSION, id: 'x', ok: false, error: { code: 'NOT_ALLOWED' } };
    }, []);
    expect(problems).toContain('extension database changed');
    await bg.bg.db.erpSites.delete('https://planted.example');
    t.control();
    t.record();
  });
});

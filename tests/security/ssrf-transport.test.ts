/**
 * T6 (open proxy / SSRF): the wallet names an environment and an operation, never a URL, and the
 * extension reaches only the built-in KSeF hosts or loopback sandboxes the user added in its options.
 *
 *  - a generated corpus of custom base URLs (`@`, `..`, `%2e`, `\`, trailing dots, ports, IDN and
 *    numeric hosts, schemes) through the real environment registry: what an independent oracle
 *    calls "not exactly http://loopback:port/v2" is refused, and no request reaches the network;
 *  - tampered environment rows (an attacker who wrote the extension's database) are normalized
 *    again before use;
 *  - redirects of every kind to an attacker's server, through the whole background: never followed.
 *
 * A leak is an accepted URL the oracle refuses, a fetch() or a request at the attacker's server.
 */
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MessageSenderLike } from '../../extension/router/classify-sender.ts';
import { KSEF_OPERATIONS, type KsefOperationId } from '../../shared/ksef/generated/operations.ts';
import { PROTOCOL, PROTOCOL_VERSION } from '../../shared/protocol/constants.ts';
import { tally } from './ledger.ts';
import {
  type AttackedBackground,
  attackedBackground,
  type Hit,
  type LoopbackServer,
  PWA_ORIGIN,
  startLoopbackServer,
} from './support/background.ts';
import { seeded } from './support/prng.ts';

const PWA_SENDER: MessageSenderLike = {
  origin: PWA_ORIGIN,
  url: `${PWA_ORIGIN}/`,
  tab: { id: 50 },
  frameId: 0,
};

let attacker: LoopbackServer;
let ksef: LoopbackServer;
let bg: AttackedBackground;
/** Per path under /v2: the redirect the "KSeF" server answers with (status, Location). */
const redirects = new Map<string, { status: number; location: string }>();

beforeAll(async () => {
  attacker = await startLoopbackServer(undefined, '127.0.0.1');
  ksef = await startLoopbackServer((hit: Hit, res: ServerResponse) => {
    const r = redirects.get(hit.url.split('?')[0]!);
    if (r) {
      res.writeHead(r.status, { location: r.location, 'content-type': 'application/json' });
      res.end('{}');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{}');
  });
  bg = await attackedBackground(ksef);
});
afterAll(async () => {
  await Promise.all([attacker.close(), ksef.close()]);
});

const send = (payload: Record<string, unknown>, id = 'request-00000042') =>
  bg.deliver(
    'external',
    { protocol: PROTOCOL, v: PROTOCOL_VERSION, id, kind: 'transport.send', payload },
    PWA_SENDER,
  );

describe('custom environment URLs (T6)', () => {
  const SCHEMES = [
    'http://',
    'https://',
    'HTTP://',
    'ftp://',
    'ws://',
    'file://',
    'javascript://',
    'http:/',
    'http:\\\\',
    '//',
  ];
  const HOSTS = [
    '127.0.0.1',
    'localhost',
    '[::1]',
    '127.0.0.1.',
    'localhost.',
    'LOCALHOST',
    '127.1',
    '127.0.1',
    '0x7f000001',
    '2130706433',
    '0177.0.0.1',
    '127.0.0.2',
    '0.0.0.0',
    '[::ffff:127.0.0.1]',
    '[0:0:0:0:0:0:0:1]',
    'l\u043ecalhost', // Cyrillic о
    'xn--lcalhost-9za',
    'localhost.evil.test',
    '127.0.0.1.nip.io',
    'evil.test',
    'api.ksef.mf.gov.pl',
    'user@127.0.0.1',
    '127.0.0.1@evil.test',
    'user:pass@localhost',
    '127.0.0.1%2f@evil.test',
    '127.0.0.1\\@evil.test',
    '127.0.0.1#@evil.test',
  ];
  const PORTS = [
    '',
    ':',
    ':0',
    ':80',
    ':1023',
    ':1024',
    ':5181',
    ':05181',
    ':65535',
    ':65536',
    ':99999',
    ': 5181',
    ':5181 ',
    ':+5181',
    ':0x143d',
  ];
  const PATHS = [
    '/v2',
    '/v2/',
    '',
    '/',
    '/v1',
    '/V2',
    '//v2',
    '/v2//',
    '/v2/..',
    '/v2/../x',
    '/%2e%2e/v2',
    '/v2%2f',
    '/./v2',
    '/v2?x=1',
    '/v2#x',
    '/v2\\',
    '/v2/auth',
    ' /v2',
    '/v2\n',
  ];

  /**
   * The rule, stated independently of the product: exactly http://loopback:port/v2 with a plain
   * port (surrounding whitespace of the whole input is ignored: the options page trims what was typed).
   */
  function oracleAccepts(scheme: string, host: string, port: string, rawPath: string): boolean {
    const path = rawPath.trimEnd();
    // A decimal port of at most five digits (a leading zero changes nothing: it is the same port).
    const m = /^:([0-9]{2,5})$/.exec(port);
    return (
      scheme === 'http://' &&
      ['127.0.0.1', 'localhost', '[::1]'].includes(host) &&
      m !== null &&
      Number(m[1]) >= 1024 &&
      Number(m[1]) <= 65535 &&
      (path === '/v2' || path === '/v2/')
    );
  }

  it('accepts exactly the loopback sandboxes an independent rule accepts (600 generated URLs)', async () => {
    const rand = seeded(6_6_6);
    const t = tally('T6', 'custom environment base URLs (generated corpus)');
    let accepted = 0;
    for (let i = 0; i < 600; i++) {
      const parts = [rand.pick(SCHEMES), rand.pick(HOSTS), rand.pick(PORTS), rand.pick(PATHS)] as const;
      // Bias towards near-misses: most cases differ from a valid URL in one part only.
      const valid = ['http://', rand.pick(['127.0.0.1', 'localhost', '[::1]']), ':5181', '/v2'] as const;
      const k = rand.int(0, 4);
      const chosen = k === 4 ? parts : valid.map((v, j) => (j === k ? parts[j]! : v));
      const [scheme, host, port, path] = chosen as unknown as [string, string, string, string];
      const url = `${scheme}${host}${port}${path}`;
      const expected = oracleAccepts(scheme, host, port, path);
      const before = bg.fetchCalls;
      const r = await bg.environments.addCustom(`fuzz ${i}`, url, bg.bg.clock.now);
      let leaked = false;
      if (r.ok) {
        accepted += 1;
        const u = new URL(r.value.baseUrl);
        leaked =
          !expected ||
          u.port !== String(Number(port.slice(1))) ||
          u.protocol !== 'http:' ||
          !['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname) ||
          u.pathname !== '/v2' ||
          u.username !== '' ||
          u.search !== '';
        await bg.environments.removeCustom(r.value.id as `custom:${string}`);
      } else {
        expect(r.error.code).toBe('BAD_PARAMS');
      }
      leaked ||= bg.fetchCalls !== before;
      t.add({ leaked, note: `#${i} ${JSON.stringify(url)} accepted=${r.ok} oracle=${expected}` });
      // A valid URL refused is no leak, but the rule and the product must agree both ways.
      expect(r.ok, `#${i} ${JSON.stringify(url)}`).toBe(expected);
    }
    expect(t.record().notes).toEqual([]);
    expect(accepted).toBeGreaterThan(20); // the corpus does exercise acceptance
  });

  it('re-checks stored environment rows before every request: a tampered row reaches nothing (200 rows)', async () => {
    const rand = seeded(42);
    const t = tally('T6', 'tampered environment rows in the extension database');
    // Not `${attacker.origin}/v2`: a loopback sandbox URL is what the options page accepts by design.
    const targets = [
      attacker.origin,
      `${attacker.origin}/v2/`.replace('http:', 'https:'),
      'https://api.ksef.mf.gov.pl.evil.test/v2',
      `http://127.0.0.1@${attacker.origin.slice(7)}/v2`,
      `${attacker.origin}/v2/../v2`,
      'http://evil.test:5181/v2',
      `http://127.0.0.2:${attacker.origin.split(':')[2]}/v2`,
    ];
    for (let i = 0; i < 200; i++) {
      const id = `custom:tampered-${i}` as const;
      await bg.bg.db.environments.put({ id, label: 'x', baseUrl: rand.pick(targets), addedAt: 0 });
      const fetches = bg.fetchCalls;
      const hits = attacker.hits.length;
      const reply = await send({ env: id, operation: 'POST /auth/challenge', body: '{}' });
      const leaked = reply.ok || bg.fetchCalls !== fetches || attacker.hits.length !== hits;
      t.add({ leaked, note: `#${i} ${JSON.stringify(reply)}` });
      expect(reply).toMatchObject({ ok: false, error: { code: 'UNKNOWN_ENVIRONMENT' } });
      await bg.bg.db.environments.delete(id);
    }
    expect(t.record().notes).toEqual([]);
    expect(attacker.hits).toEqual([]);
  });

  it('reaches a sandbox the user did add (positive control)', async () => {
    const hits = ksef.hits.length;
    const reply = await send({ env: bg.sandboxEnv, operation: 'POST /auth/challenge', body: '{}' });
    expect(reply).toMatchObject({ ok: true, value: { status: 200 } });
    expect(ksef.hits.length).toBe(hits + 1);
  });
});

describe('redirects (T6)', () => {
  it('follows no redirect of any kind, to anywhere, for any operation (240 cases)', async () => {
    const rand = seeded(302);
    const t = tally('T6', 'redirects from "KSeF" to an attacker');
    const operations = (Object.keys(KSEF_OPERATIONS) as KsefOperationId[]).filter(
      (op) => KSEF_OPERATIONS[op].pathParams.length === 0 && !KSEF_OPERATIONS[op].testOnly,
    );
    const statuses = [301, 302, 303, 307, 308];
    for (let i = 0; i < 240; i++) {
      const operation = rand.pick(operations);
      const spec = KSEF_OPERATIONS[operation];
      const status = rand.pick(statuses);
      const location = rand.pick([
        `${attacker.origin}/v2${spec.path}`,
        `${attacker.origin}/collect?token=x`,
        `//127.0.0.1:${attacker.origin.split(':')[2]}/`,
        `/v2${spec.path}`,
        'https://api.ksef.mf.gov.pl/v2/auth/challenge',
      ]);
      redirects.set(`/v2${spec.path}`, { status, location });
      const hits = attacker.hits.length;
      const ksefHits = ksef.hits.length;
      const reply = await send({
        env: bg.sandboxEnv,
        operation,
        headers: { authorization: 'Bearer planted-access-token', 'content-type': 'application/json' },
        ...(spec.method === 'GET' || spec.method === 'DELETE' ? {} : { body: '{}' }),
      });
      redirects.delete(`/v2${spec.path}`);
      const followed = attacker.hits.length !== hits || ksef.hits.length !== ksefHits + 1;
      const leaked = reply.ok || followed;
      t.add({ leaked, note: `#${i} ${status} ${operation} → ${location}: ${JSON.stringify(reply)}` });
      expect(reply, `#${i} ${status} ${operation}`).toMatchObject({
        ok: false,
        error: { code: 'REDIRECT_REFUSED' },
      });
    }
    expect(t.record().notes).toEqual([]);
    expect(attacker.hits).toEqual([]);
  });
});

/**
 * The sandbox as an HTTP server: Host check (DNS rebinding), CORS off by default, the 1 MiB body
 * cap, KSeF's rate limits with an integer Retry-After in both error formats, injected and random
 * faults, the control API over HTTP, the state file, and hostile input that must get KSeF's answer
 * — never a 500, never a crash.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optionsFrom } from '../../../sandbox/main.ts';
import { type Sandbox, startSandbox } from '../../../sandbox/server.ts';
import { StateFileError } from '../../../sandbox/state/store.ts';
import {
  call,
  challenge,
  errorCode,
  loginWithSignature,
  randomNip,
  sealSubject,
  selfSigned,
  tempDir,
} from './helpers.ts';

const ws = tempDir();
let sandbox: Sandbox;
let base: string;

beforeAll(async () => {
  sandbox = await startSandbox({ rateLimits: 'off', seed: true, control: true });
  base = sandbox.baseUrl;
});
afterAll(async () => {
  await sandbox.close();
  ws.cleanup();
});

/** A raw request, so that the Host header and the body framing are exactly what the test says. */
function raw(
  port: number,
  options: {
    method?: string;
    path: string;
    headers?: Record<string, string>;
    body?: Buffer;
    chunked?: boolean;
  },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    if (options.body) {
      if (options.chunked) {
        for (let i = 0; i < options.body.length; i += 65536) req.write(options.body.subarray(i, i + 65536));
      } else req.write(options.body);
    }
    req.end();
  });
}

describe('Host header and CORS', () => {
  it('answers 421 with a JSON problem to a foreign Host (DNS rebinding) and serves localhost', async () => {
    const evil = await raw(sandbox.port, {
      method: 'POST',
      path: '/v2/auth/challenge',
      headers: { host: 'evil.example' },
    });
    expect(evil.status).toBe(421);
    expect(JSON.parse(evil.body)).toMatchObject({ status: 421 });
    const alsoEvil = await raw(sandbox.port, {
      path: '/_sandbox/seed',
      headers: { host: `evil.example:${sandbox.port}` },
    });
    expect(alsoEvil.status).toBe(421);
    const local = await raw(sandbox.port, {
      method: 'POST',
      path: '/v2/auth/challenge',
      headers: { host: `localhost:${sandbox.port}` },
    });
    expect(local.status).toBe(200);
  });
  it('sends no CORS headers by default, like KSeF, and answers a preflight without them', async () => {
    const r = await call(base, 'POST', '/auth/challenge', { headers: { origin: 'http://127.0.0.1:5180' } });
    expect(r.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await call(base, 'OPTIONS', '/auth/challenge', {
      headers: { origin: 'http://127.0.0.1:5180', 'access-control-request-method': 'POST' },
    });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
  });
  it('with cors on, reflects the origin, answers preflights and exposes Retry-After and the continuation header', async () => {
    sandbox.control.configure({ cors: true });
    try {
      const pre = await call(base, 'OPTIONS', '/tokens', {
        headers: {
          origin: 'http://127.0.0.1:5180',
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization, x-continuation-token',
        },
      });
      expect(pre.status).toBe(204);
      expect(pre.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5180');
      expect(pre.headers.get('access-control-allow-headers')).toBe('authorization, x-continuation-token');
      const r = await call(base, 'GET', '/tokens', { headers: { origin: 'http://127.0.0.1:5180' } });
      expect(r.status).toBe(401);
      expect(r.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5180');
      expect(r.headers.get('access-control-expose-headers')).toContain('Retry-After');
      expect(r.headers.get('access-control-expose-headers')).toContain('x-continuation-token');
    } finally {
      sandbox.control.configure({ cors: false });
    }
  });
});

describe('request bodies', () => {
  it('caps bodies at 1 MiB (413), with Content-Length and chunked alike', async () => {
    const big = Buffer.alloc(1024 * 1024 + 1, 0x20);
    const headers = { host: `127.0.0.1:${sandbox.port}`, 'content-type': 'application/json' };
    const a = await raw(sandbox.port, { method: 'POST', path: '/v2/auth/ksef-token', headers, body: big });
    expect(a.status).toBe(413);
    const b = await raw(sandbox.port, {
      method: 'POST',
      path: '/v2/auth/xades-signature',
      headers: {
        host: `127.0.0.1:${sandbox.port}`,
        'content-type': 'application/xml',
        'transfer-encoding': 'chunked',
      },
      body: big,
      chunked: true,
    });
    expect(b.status).toBe(413);
  });
  it('takes JSON only (415 for a form body)', async () => {
    const r = await call(base, 'POST', '/testdata/person', {
      body: 'nip=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(r.status).toBe(415);
  });
});

describe('rate limits (the spec’s x-rate-limits, per context and IP)', () => {
  it('answers the 61st challenge within a second with 429 and an integer Retry-After, in both formats', async () => {
    let now = Date.now();
    const limited = await startSandbox({ seed: false, clock: { now: () => now } });
    try {
      for (let i = 0; i < 60; i += 1)
        expect((await call(limited.baseUrl, 'POST', '/auth/challenge')).status).toBe(200);
      const legacy = await call(limited.baseUrl, 'POST', '/auth/challenge');
      expect(legacy.status).toBe(429);
      expect(legacy.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(legacy.body).toMatchObject({ status: { code: 429, description: 'Too Many Requests' } });
      const problem = await call(limited.baseUrl, 'POST', '/auth/challenge', {
        headers: { 'x-error-format': 'problem-details' },
      });
      expect(problem.status).toBe(429);
      expect(problem.headers.get('content-type')).toContain('application/problem+json');
      expect(problem.body).toMatchObject({ title: 'Too Many Requests', status: 429 });
      expect(problem.body.traceId).toMatch(/^[0-9a-f]{32}$/);
      now += 1000;
      expect((await call(limited.baseUrl, 'POST', '/auth/challenge')).status).toBe(200);
      const log = limited.control.requests();
      expect(log.filter((e) => e.fault === 'rate-limit')).toHaveLength(2);
    } finally {
      await limited.close();
    }
  });
  it('counts the other group per context (10/s, 30/min), and /testdata/rate-limits lowers it for one context', async () => {
    let now = Date.now() + 2000;
    const nip = randomNip();
    const other = randomNip();
    const idA = selfSigned(ws, `rl-${nip}`, sealSubject(nip));
    const idB = selfSigned(ws, `rl-${other}`, sealSubject(other));
    const limited = await startSandbox({ seed: false, clock: { now: () => now } });
    try {
      const a = await loginWithSignature(limited.baseUrl, ws, idA, { type: 'Nip', value: nip });
      const b = await loginWithSignature(limited.baseUrl, ws, idB, { type: 'Nip', value: other });
      for (let i = 0; i < 10; i += 1)
        expect((await call(limited.baseUrl, 'GET', '/tokens', { token: a.accessToken })).status).toBe(200);
      const over = await call(limited.baseUrl, 'GET', '/tokens', { token: a.accessToken });
      expect(over.status).toBe(429);
      expect(over.headers.get('retry-after')).toBe('1');
      // Another context from the same IP has its own counters.
      expect((await call(limited.baseUrl, 'GET', '/tokens', { token: b.accessToken })).status).toBe(200);
      now += 1000;
      for (let i = 0; i < 20; i += 1) {
        expect((await call(limited.baseUrl, 'GET', '/tokens', { token: a.accessToken })).status).toBe(200);
        now += 100;
      }
      const perMinute = await call(limited.baseUrl, 'GET', '/tokens', { token: a.accessToken });
      expect(perMinute.status).toBe(429);
      expect(Number(perMinute.headers.get('retry-after'))).toBeGreaterThan(1);

      const groups = await call(limited.baseUrl, 'GET', '/rate-limits', { token: b.accessToken });
      expect(groups.body.other).toEqual({ perSecond: 10, perMinute: 30, perHour: 120 });
      const lowered = Object.fromEntries(
        Object.keys(groups.body).map((g) => [g, { perSecond: 1, perMinute: 100, perHour: 1000 }]),
      );
      expect(
        (
          await call(limited.baseUrl, 'POST', '/testdata/rate-limits', {
            token: b.accessToken,
            json: { rateLimits: lowered },
          })
        ).status,
      ).toBe(200);
      now += 1000;
      expect((await call(limited.baseUrl, 'GET', '/tokens', { token: b.accessToken })).status).toBe(200);
      expect((await call(limited.baseUrl, 'GET', '/tokens', { token: b.accessToken })).status).toBe(429);
      expect(
        (await call(limited.baseUrl, 'POST', '/testdata/rate-limits/production', { token: b.accessToken }))
          .status,
      ).toBe(200);
      now += 1000;
      expect(
        (await call(limited.baseUrl, 'GET', '/rate-limits', { token: b.accessToken })).body.other,
      ).toEqual({ perSecond: 10, perMinute: 30, perHour: 120 });
    } finally {
      await limited.close();
    }
  });
});

describe('faults', () => {
  it('one-shot rules: error without processing, rate-limit with Retry-After, drop-before and drop', async () => {
    const c = sandbox.control;
    c.clearRequests();
    c.injectFault({ operation: 'POST /auth/challenge', kind: 'error', status: 503 });
    c.injectFault({ operation: 'POST /auth/challenge', kind: 'rate-limit', retryAfterSeconds: 7 });
    expect((await call(base, 'POST', '/auth/challenge')).status).toBe(503);
    const limited = await call(base, 'POST', '/auth/challenge');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect((await call(base, 'POST', '/auth/challenge')).status).toBe(200);

    c.injectFault({ operation: 'POST /auth/challenge', kind: 'drop-before' });
    await expect(call(base, 'POST', '/auth/challenge')).rejects.toThrow();
    c.injectFault({ operation: 'POST /auth/challenge', kind: 'drop' });
    await expect(call(base, 'POST', '/auth/challenge')).rejects.toThrow();
    const log = c.requests().filter((e) => e.operation === 'POST /auth/challenge');
    expect(log.map((e) => [e.status, e.fault])).toEqual([
      [503, 'error'],
      [429, 'rate-limit'],
      [200, 'none'],
      [null, 'drop'],
      [null, 'drop'],
    ]);
  });
  it('a dropped response was processed (the subject exists), a drop-before one was not', async () => {
    const nip = randomNip();
    const body = { subjectNip: nip, subjectType: 'JST', description: 'Gmina testowa' };
    sandbox.control.injectFault({ operation: 'POST /testdata/subject', kind: 'drop-before' });
    await expect(call(base, 'POST', '/testdata/subject', { json: body })).rejects.toThrow();
    sandbox.control.injectFault({ operation: 'POST /testdata/subject', kind: 'drop' });
    await expect(call(base, 'POST', '/testdata/subject', { json: body })).rejects.toThrow();
    expect(errorCode(await call(base, 'POST', '/testdata/subject', { json: body }))).toBe(30001);
  });
  it('random faults follow the seed: the same seed gives the same statuses', async () => {
    const run = async () => {
      sandbox.control.configure({ faults: { serverErrorRate: 0.3, dropRate: 0, seed: 7 } });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i += 1) statuses.push((await call(base, 'POST', '/auth/challenge')).status);
      return statuses;
    };
    try {
      const first = await run();
      const second = await run();
      expect(first).toEqual(second);
      expect(first).toContain(500);
      expect(first).toContain(200);
    } finally {
      sandbox.control.configure({ faults: { serverErrorRate: 0, dropRate: 0, seed: 1 } });
    }
  });
});

describe('the control API over HTTP (/_sandbox, never under /v2)', () => {
  it('shows the seed and the CA, records requests, configures, injects faults and refuses bad input', async () => {
    const origin = sandbox.origin;
    const seed = await (await fetch(`${origin}/_sandbox/seed`)).json();
    expect(seed.companies).toHaveLength(3);
    expect(await (await fetch(`${origin}/_sandbox/ca.pem`)).text()).toContain('BEGIN CERTIFICATE');
    await fetch(`${origin}/_sandbox/requests`, { method: 'DELETE' });
    await call(base, 'POST', '/auth/challenge');
    const log = await (await fetch(`${origin}/_sandbox/requests`)).json();
    expect(log).toEqual([
      expect.objectContaining({ operation: 'POST /auth/challenge', status: 200, fault: 'none' }),
    ]);
    const post = (path: string, body: unknown) =>
      fetch(`${origin}/_sandbox${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect(
      (await post('/faults', { operation: 'POST /auth/challenge', kind: 'error', status: 502 })).status,
    ).toBe(204);
    expect((await call(base, 'POST', '/auth/challenge')).status).toBe(502);
    expect((await post('/faults', { kind: 'explode' })).status).toBe(400);
    expect((await post('/configure', { latencyMs: -1 })).status).toBe(400);
    expect((await post('/configure', { unknown: true })).status).toBe(400);
    expect((await post('/configure', { authDelayMs: 5 })).status).toBe(204);
    expect((await post('/configure', { authDelayMs: 0 })).status).toBe(204);
    expect((await fetch(`${base}/_sandbox/seed`)).status).toBe(404);
    const keysBefore = (await call(base, 'GET', '/security/public-key-certificates'))
      .body as unknown as unknown[];
    expect((await post('/keys/rotate', { withdrawOld: false })).status).toBe(204);
    const keysAfter = (await call(base, 'GET', '/security/public-key-certificates'))
      .body as unknown as unknown[];
    expect(keysAfter.length).toBe(keysBefore.length + 2);
  });
  it('is absent unless asked for', async () => {
    const plain = await startSandbox({ seed: false });
    try {
      expect((await fetch(`${plain.origin}/_sandbox/seed`)).status).toBe(404);
    } finally {
      await plain.close();
    }
  });
});

describe('hostile input gets KSeF’s answer, never a 500, and the server keeps serving', () => {
  const JSON_ENDPOINTS = [
    '/auth/ksef-token',
    '/tokens',
    '/certificates/enrollments',
    '/certificates/query',
    '/certificates/retrieve',
    '/testdata/subject',
    '/testdata/person',
    '/testdata/permissions',
    '/testdata/context/block',
  ];
  it('random bytes, wrong JSON types, deep nesting and odd headers on every JSON endpoint', async () => {
    const nip = randomNip();
    const s = await loginWithSignature(base, ws, selfSigned(ws, 'hostile', sealSubject(nip)), {
      type: 'Nip',
      value: nip,
    });
    const bodies = [
      randomBytes(512),
      Buffer.from('{"challenge":'),
      Buffer.from('null'),
      Buffer.from('[]'),
      Buffer.from('"string"'),
      Buffer.from('{"permissions":"InvoiceRead","description":5}'),
      Buffer.from('{"contextIdentifier":{"type":"Nip","value":{"$gt":""}}}'),
      Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`),
      Buffer.from(`{"a":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_001)}`),
      Buffer.from('{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}'),
      Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0xc3, 0x28, 0x7d]),
    ];
    for (const path of JSON_ENDPOINTS) {
      for (const body of bodies) {
        const r = await call(base, 'POST', path, {
          token: s.accessToken,
          body: new Uint8Array(body),
          headers: { 'content-type': 'application/json' },
        });
        expect(r.status, `${path} ${body.subarray(0, 20).toString('hex')}`).toBeLessThan(500);
        if (r.status === 400) expect(errorCode(r)).toBeTypeOf('number');
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    for (const auth of [
      'Bearer',
      'Bearer ',
      'Basic abc',
      `Bearer ${'a'.repeat(10_000)}`,
      'Bearer a.b.c',
      'Bearer ..',
    ]) {
      expect((await call(base, 'GET', '/tokens', { headers: { authorization: auth } })).status).toBe(401);
    }
    for (const path of [
      '/auth/%00',
      '/tokens/%E0%A4%A',
      '/certificates/%2e%2e/revoke',
      '/nope',
      '/auth/sessions/../../x',
    ]) {
      const r = await call(base, 'GET', path, { token: s.accessToken });
      expect(r.status, path).toBeLessThan(500);
    }
    const xmlBomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><AuthTokenRequest>&lol2;</AuthTokenRequest>`;
    const bomb = await call(base, 'POST', '/auth/xades-signature', {
      body: xmlBomb,
      headers: { 'content-type': 'application/xml' },
    });
    expect(errorCode(bomb)).toBe(21001);
    for (let i = 0; i < 30; i += 1) {
      const r = await call(base, 'POST', '/auth/xades-signature', {
        body: new Uint8Array(randomBytes(200 + i * 10)),
        headers: { 'content-type': 'application/xml' },
      });
      expect(r.status).toBe(400);
    }
    // Malformed HTTP is answered 400 by the server itself.
    const garbage = await new Promise<string>((resolve) => {
      const socket = connect(sandbox.port, '127.0.0.1', () => socket.write('GARBAGE / HTTP/9.9\r\n\r\n'));
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
    });
    expect(garbage).toContain('400');
    expect((await challenge(base)).challenge).toMatch(/-CR-/);
    const internal = sandbox.control.requests().filter((e) => (e.status ?? 0) >= 500 && e.fault === 'none');
    expect(internal).toEqual([]);
  });
});

describe('the state file', () => {
  it('keeps keys, tokens and sessions across a restart, written atomically', async () => {
    const path = ws.path('.sandbox-state.json');
    const nip = randomNip();
    const id = selfSigned(ws, 'state', sealSubject(nip));
    const first = await startSandbox({ statePath: path, rateLimits: 'off' });
    const s = await loginWithSignature(first.baseUrl, ws, id, { type: 'Nip', value: nip });
    const t = await call(first.baseUrl, 'POST', '/tokens', {
      token: s.accessToken,
      json: { permissions: ['InvoiceRead'], description: 'Przetrwa restart' },
    });
    const keys = (await call(first.baseUrl, 'GET', '/security/public-key-certificates')).body;
    await first.close();
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain((t.body.token as string).split('|')[2]);
    expect(text).not.toContain(s.accessToken);

    const second = await startSandbox({ statePath: path, rateLimits: 'off' });
    try {
      expect((await call(second.baseUrl, 'GET', '/security/public-key-certificates')).body).toEqual(keys);
      const token = await call(second.baseUrl, 'GET', `/tokens/${t.body.referenceNumber}`, {
        token: s.accessToken,
      });
      expect(token.status).toBe(200);
      expect(
        (await call(second.baseUrl, 'POST', '/auth/token/refresh', { token: s.refreshToken })).status,
      ).toBe(200);
      expect(second.seed.companies).toHaveLength(3);
    } finally {
      await second.close();
    }
  });
  it('a broken state file stops the start with a clear error and is left untouched', async () => {
    const path = ws.path('.sandbox-state-broken.json');
    writeFileSync(path, '{"version": 1, "jwtSecret": "short"');
    await expect(startSandbox({ statePath: path })).rejects.toThrow(StateFileError);
    writeFileSync(path, '{"version": 2}');
    await expect(startSandbox({ statePath: path })).rejects.toThrow(/unexpected shape/);
    expect(readFileSync(path, 'utf8')).toBe('{"version": 2}');
    expect(existsSync(path)).toBe(true);
  });
});

describe('the command line', () => {
  it('maps flags and SANDBOX_* variables to options, flags first, and refuses bad values', () => {
    expect(
      optionsFrom(
        [
          '--port',
          '5999',
          '--mode',
          'demo',
          '--cors',
          '--latency',
          '50',
          '--auth-delay',
          '300',
          '--state',
          '.s.json',
        ],
        {
          SANDBOX_PORT: '1',
          SANDBOX_RATE_LIMITS: 'off',
          SANDBOX_ERROR_RATE: '0.1',
        },
      ),
    ).toMatchObject({
      port: 5999,
      mode: 'demo',
      cors: true,
      latencyMs: 50,
      authDelayMs: 300,
      statePath: '.s.json',
      rateLimits: 'off',
      faults: { serverErrorRate: 0.1, dropRate: 0, seed: 1 },
      control: true,
      seed: true,
    });
    expect(() => optionsFrom(['--mode', 'prod'], {})).toThrow(/test or demo/);
    expect(() => optionsFrom(['--latency=-5'], {})).toThrow(/number/);
    expect(() => optionsFrom([], { SANDBOX_CORS: 'maybe' })).toThrow(/true or false/);
    expect(() => optionsFrom(['--base-url', 'http://x/api'], {})).toThrow(/\/v2/);
    expect(() => optionsFrom(['--unknown'], {})).toThrow();
  });
});

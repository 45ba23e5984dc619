/**
 * A loopback "KSeF" that is really the sandbox behind a proxy which can rewrite any one answer:
 * the request is processed by the real sandbox (so the flow's state is real), then the answer the
 * client sees is replaced by a mutation — fields removed or of the wrong type, huge strings, a body
 * over 1 MiB, invalid JSON, the wrong content type, an error that quotes a secret, a stalled body.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Rng } from './prng.ts';

export type Answer = { status: number; headers: Record<string, string>; body: string };
export type Mutation = {
  readonly label: string;
  /** A new answer, or 'stall' (headers sent, the body never ends), or 'destroy' (socket closed). */
  apply(a: Answer): Answer | 'stall' | 'destroy';
};

const FORWARDED = [
  'content-type',
  'authorization',
  'accept',
  'x-error-format',
  'x-ksef-feature',
  'x-continuation-token',
];
const RETURNED = ['content-type', 'retry-after', 'x-continuation-token', 'x-system-warning'];

export async function startMutatingProxy(target: string) {
  let plan: ((index: number, path: string) => Mutation | undefined) | undefined;
  let tap: ((path: string, answer: Answer) => void) | undefined;
  const log: { index: number; method: string; path: string; mutation?: string }[] = [];
  let index = 0;
  const stalled = new Set<() => void>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const i = index++;
      const path = req.url ?? '/';
      const headers: Record<string, string> = {};
      for (const h of FORWARDED) {
        const v = req.headers[h];
        if (typeof v === 'string') headers[h] = v;
      }
      const body = Buffer.concat(chunks);
      let answer: Answer;
      try {
        const r = await fetch(`${target}${path}`, {
          method: req.method ?? 'GET',
          headers,
          ...(body.length > 0 ? { body } : {}),
          redirect: 'manual',
        });
        const h: Record<string, string> = {};
        for (const name of RETURNED) {
          const v = r.headers.get(name);
          if (v !== null) h[name] = v;
        }
        answer = { status: r.status, headers: h, body: await r.text() };
      } catch {
        res.destroy();
        return;
      }
      tap?.(path, answer);
      const mutation = plan?.(i, path);
      log.push({
        index: i,
        method: req.method ?? '',
        path,
        ...(mutation ? { mutation: mutation.label } : {}),
      });
      const out = mutation ? mutation.apply(answer) : answer;
      if (out === 'destroy') {
        res.destroy();
        return;
      }
      if (out === 'stall') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"referenceNumber":');
        stalled.add(() => res.destroy());
        return;
      }
      res.writeHead(out.status, out.headers);
      res.end(out.body);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl: `${origin}/v2`,
    log,
    /** From now on, `choose(index, path)` may rewrite the answer to request number `index`. */
    setPlan(choose: typeof plan) {
      plan = choose;
    },
    /** Sees every real answer before any rewrite (tests collect the tokens KSeF issued). */
    setTap(observe: typeof tap) {
      tap = observe;
    },
    get requests() {
      return index;
    },
    close: () =>
      new Promise<void>((ok) => {
        for (const end of stalled) end();
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** Rewrites a random value somewhere in a JSON document. */
function mutateJson(json: unknown, rand: Rng, change: (v: unknown) => unknown | typeof REMOVE): unknown {
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, p: (string | number)[]) => {
    if (p.length > 0) paths.push(p);
    if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) walk(x, [...p, i]);
    } else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
  };
  walk(json, []);
  if (paths.length === 0) return change(json) === REMOVE ? {} : change(json);
  const path = rand.pick(paths);
  const copy = structuredClone(json) as Record<string | number, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  const next = change(parent[last]);
  if (next === REMOVE) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else parent[last] = next;
  return copy;
}
const REMOVE = Symbol('remove');

const parse = (body: string): unknown => {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
};

/** One mutation of a KSeF answer, drawn from every family; `secrets` receives what it plants. */
export function randomMutation(rand: Rng, secrets: string[], plant: () => string): Mutation {
  const json = (label: string, change: (v: unknown) => unknown): Mutation => ({
    label,
    apply: (a) => {
      const parsed = parse(a.body);
      if (parsed === undefined) return { ...a, body: '{' };
      return { ...a, body: JSON.stringify(mutateJson(parsed, rand, change)) };
    },
  });
  const gens: (() => Mutation)[] = [
    () => json('a field removed', () => REMOVE),
    () =>
      json('a field of the wrong type', (v) =>
        rand.pick(
          [null, 0, -1, 1e308, true, '', 'x', [], {}, [v], { v }].filter(
            (x) => typeof x !== typeof v || x === null,
          ),
        ),
      ),
    () => json('a huge string', () => 'A'.repeat(rand.int(64 * 1024, 512 * 1024))),
    () =>
      json('a planted secret in a string', () => {
        const s = plant();
        secrets.push(s);
        return s;
      }),
    () => ({
      label: 'a body over 1 MiB',
      apply: (a) => ({
        ...a,
        headers: { 'content-type': 'application/json' },
        body: `{"pad":"${'x'.repeat(1024 * 1024 + 10)}"}`,
      }),
    }),
    () => ({
      label: 'invalid JSON',
      apply: (a) => ({ ...a, body: a.body.slice(0, rand.int(0, Math.max(0, a.body.length - 1))) }),
    }),
    () => ({ label: 'an empty body', apply: (a) => ({ ...a, body: '' }) }),
    () => ({
      label: 'the wrong content type',
      apply: (a) => ({
        ...a,
        headers: { ...a.headers, 'content-type': 'text/html' },
        body: '<html><body>Service Unavailable</body></html>',
      }),
    }),
    () => ({
      label: 'a JSON value that is not an object',
      apply: (a) => ({ ...a, body: rand.pick(['[]', '42', '"ok"', 'null', 'true', '[{}]']) }),
    }),
    () => ({
      label: 'deeply nested JSON',
      apply: (a) => ({ ...a, body: `${'['.repeat(5000)}${']'.repeat(5000)}` }),
    }),
    () => ({
      label: 'prototype keys',
      apply: (a) => {
        const s = plant();
        secrets.push(s);
        return {
          ...a,
          body: a.body.replace(
            /^\{/,
            `{"__proto__":{"accessToken":"${s}"},"constructor":{"prototype":{"x":1}},`,
          ),
        };
      },
    }),
    () => ({
      label: 'an error that quotes a secret',
      apply: () => {
        const s = plant();
        secrets.push(s);
        const status = rand.pick([400, 401, 403, 409, 450, 500]);
        return {
          status,
          headers: { 'content-type': 'application/problem+json' },
          body: JSON.stringify({
            title: `Błąd ${s}`,
            status,
            detail: `Token ${s} jest nieprawidłowy`,
            traceId: s.slice(0, 40),
            errors: [
              { code: 21405, description: `Nieprawidłowa wartość: ${s}`, details: [s, `Bearer ${s}`] },
            ],
          }),
        };
      },
    }),
    () => ({
      label: 'a legacy-format error that quotes a secret',
      apply: () => {
        const s = plant();
        secrets.push(s);
        return {
          status: 400,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            exception: {
              serviceCode: s,
              exceptionDetailList: [
                { exceptionCode: 21111, exceptionDescription: `Wyzwanie ${s}`, details: [s] },
              ],
            },
          }),
        };
      },
    }),
    () => ({
      label: 'a success status without a body',
      apply: (a) => ({ status: a.status >= 400 ? 200 : 204, headers: {}, body: '' }),
    }),
    () => ({
      label: 'an unexpected status',
      apply: (a) => ({ ...a, status: rand.pick([201, 203, 206, 299, 304, 418, 505, 599]) }),
    }),
    () => ({ label: 'a stalled body', apply: () => 'stall' }),
    () => ({ label: 'the connection closed', apply: () => 'destroy' }),
  ];
  return rand.pick(gens)();
}

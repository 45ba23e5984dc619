/**
 * Reading a request at the boundary: JSON bodies (JSON only, UTF-8, validated against the spec),
 * query strings and path parameters. Every failure is an answer KSeF gives — 21405 with the
 * validator's text, or 415 for a body that is not JSON — never an exception.
 */
import type { Context } from 'hono';
import type { SandboxEnv } from './env.ts';
import { badRequest, httpProblem, ksefError } from './ksef-errors.ts';
import type { SpecOperation } from './spec.ts';
import { validateBody, validatePath, validateQuery } from './validation.ts';

export type Read<T> = { ok: true; value: T } | { ok: false; response: Response };

const mediaType = (c: Context) => (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
const charset = (c: Context) =>
  /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(c.req.header('content-type') ?? '')?.[1]?.toLowerCase();

export async function readJsonBody<T>(c: Context<SandboxEnv>, op: SpecOperation): Promise<Read<T>> {
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  let raw: unknown = {};
  if (bytes.length > 0) {
    const type = mediaType(c);
    if (type !== 'application/json' && !(type.startsWith('application/') && type.endsWith('+json'))) {
      return {
        ok: false,
        response: httpProblem(
          c,
          415,
          'Unsupported Media Type',
          'Treść żądania musi być w formacie application/json.',
        ),
      };
    }
    const cs = charset(c);
    if (cs && cs !== 'utf-8' && cs !== 'utf8') {
      return {
        ok: false,
        response: httpProblem(c, 415, 'Unsupported Media Type', 'Treść żądania musi być zakodowana w UTF-8.'),
      };
    }
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return {
        ok: false,
        response: ksefError(c, badRequest(21405, 'body: treść nie jest poprawnym tekstem UTF-8.')),
      };
    }
    try {
      raw = JSON.parse(text);
    } catch (e) {
      // Only the position: V8's message quotes the input, and an error must not carry a secret.
      const at = e instanceof Error ? /position (\d+)/.exec(e.message)?.[1] : undefined;
      const where = at ? ` (pozycja ${at})` : '';
      return { ok: false, response: ksefError(c, badRequest(21405, `body: nieprawidłowy JSON${where}.`)) };
    }
  }
  const result = validateBody<T>(op, raw);
  if (!result.ok) return { ok: false, response: ksefError(c, badRequest(21405, ...result.details)) };
  return { ok: true, value: result.value };
}

export function readQuery<T>(c: Context<SandboxEnv>, op: SpecOperation): Read<T> {
  const all = c.req.queries();
  const query: Record<string, unknown> = {};
  for (const p of op.query) {
    const key = Object.keys(all).find((k) => k.toLowerCase() === p.name.toLowerCase());
    if (key === undefined) continue;
    const values = all[key] ?? [];
    const isArray = (p.schema as { type?: unknown }).type === 'array';
    query[p.name] = isArray ? values : values[values.length - 1];
  }
  const result = validateQuery<T>(op, query);
  if (!result.ok) return { ok: false, response: ksefError(c, badRequest(21405, ...result.details)) };
  return { ok: true, value: result.value };
}

export function checkPathParams(c: Context<SandboxEnv>, op: SpecOperation): Read<Record<string, string>> {
  const params = c.req.param() as Record<string, string>;
  const result = validatePath(op, params);
  if (!result.ok) return { ok: false, response: ksefError(c, badRequest(21405, ...result.details)) };
  return { ok: true, value: params };
}

export { charset, mediaType };

import { fail, ok, type Result } from '../result.ts';
import { isTestEnvironment } from './environments.ts';
import { KSEF_OPERATIONS, type KsefOperationId } from './generated/operations.ts';
import type { EnvironmentId, KsefRequest } from './transport-types.ts';

/** Request headers a caller may set; everything else (Cookie, Origin, Host, …) is dropped. */
export const REQUEST_HEADER_ALLOWLIST = Object.freeze([
  'accept',
  'authorization',
  'content-type',
  'x-error-format',
  'x-continuation-token',
  'x-ksef-feature',
]);
/** Response headers handed back to the caller. */
export const RESPONSE_HEADER_ALLOWLIST = Object.freeze([
  'content-type',
  'retry-after',
  'x-continuation-token',
  'x-system-warning',
]);

// Reference numbers, serials and ids in KSeF paths are short ASCII tokens (REFERENCE.md §2.2, §2.3).
const PATH_PARAM = /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/;
const QUERY_VALUE = /^[A-Za-z0-9_.:+-]{0,128}$/;
const HEADER_VALUE = /^[\x20-\x7e]{0,8192}$/;

export const isKsefOperationId = (op: unknown): op is KsefOperationId =>
  typeof op === 'string' && Object.hasOwn(KSEF_OPERATIONS, op);

export type BuiltRequest = {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
};

/**
 * Turns a named operation into a concrete request under `baseUrl`. This is the only place a KSeF
 * URL is assembled, so that no caller can reach a host, path or header outside the official API.
 */
export function buildRequest(baseUrl: string, req: KsefRequest): Result<BuiltRequest> {
  if (!isKsefOperationId(req.operation)) return fail('UNKNOWN_OPERATION');
  const spec = KSEF_OPERATIONS[req.operation];
  if (spec.testOnly && !isTestEnvironment(req.env as EnvironmentId))
    return fail('NOT_ALLOWED', { detail: 'test data exists on TEST only' });

  const given = req.pathParams ?? {};
  const givenNames = Object.keys(given);
  if (
    givenNames.length !== spec.pathParams.length ||
    !spec.pathParams.every((p) => Object.hasOwn(given, p))
  ) {
    return fail('BAD_PARAMS', { detail: 'path parameters do not match the operation' });
  }
  let path: string = spec.path;
  for (const name of spec.pathParams) {
    const value = given[name];
    if (typeof value !== 'string' || !PATH_PARAM.test(value))
      return fail('BAD_PARAMS', { detail: `path parameter ${name}` });
    path = path.replace(`{${name}}`, value);
  }

  const search = new URLSearchParams();
  for (const [name, raw] of Object.entries(req.query ?? {})) {
    if (!(spec.query as readonly string[]).includes(name))
      return fail('BAD_PARAMS', { detail: `query parameter ${name}` });
    const value = String(raw);
    if (!QUERY_VALUE.test(value)) return fail('BAD_PARAMS', { detail: `query parameter ${name}` });
    search.append(name, value);
  }

  const headers: Record<string, string> = {};
  for (const [rawName, value] of Object.entries(req.headers ?? {})) {
    const name = rawName.toLowerCase();
    if (!REQUEST_HEADER_ALLOWLIST.includes(name)) return fail('BAD_PARAMS', { detail: `header ${name}` });
    if (typeof value !== 'string' || !HEADER_VALUE.test(value))
      return fail('BAD_PARAMS', { detail: `header ${name}` });
    headers[name] = value;
  }
  if (req.body !== undefined && typeof req.body !== 'string') return fail('BAD_PARAMS', { detail: 'body' });

  const qs = search.toString();
  const url = `${baseUrl}${path}${qs ? `?${qs}` : ''}`;
  return ok({ method: spec.method, url, headers, ...(req.body !== undefined ? { body: req.body } : {}) });
}

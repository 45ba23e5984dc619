/**
 * One error shape for both KSeF error formats (REFERENCE §2.5, CLIENT-NOTES §3):
 *
 *   legacy    {"exception":{"exceptionDetailList":[{"exceptionCode","exceptionDescription","details"}],
 *              "serviceCode", …}}                         — 400, deprecated but still sent when asked
 *   legacy429 {"status":{"code":429,"description","details"}}
 *   problem   {"title","status","detail","errors":[{"code","description","details"}],"traceId"} — 400
 *   problem   {"title","status","detail","reasonCode","security":{…},"traceId"}          — 401/403/410/429
 *
 * Everything becomes `KsefErrorInfo {httpStatus, code, description, details, traceId, reasonCode,
 * security}`. KSeF's numbers travel unchanged in `code` (so 21470 can trigger a key refetch). Some
 * 403s come with an empty body (#482): then only `httpStatus` is known. A body that is not JSON is
 * tolerated the same way — the status alone is still a precise error.
 *
 * The texts are KSeF's and untrusted: lengths and counts are capped, and they are only ever shown as
 * plain text (T1).
 */
import type { KsefErrorInfo } from '../result.ts';
import type { KsefResponse } from './transport-types.ts';

const MAX_TEXT = 1000;
const MAX_DETAILS = 20;

/**
 * KSeF's texts can quote what was sent (a validator message naming a field's value). Whatever looks
 * like a secret — a JWT, a KSeF token, a long Base64 blob such as an `encryptedToken` (a 10-minute
 * bearer ticket, SECURITY.md A5) — is cut out before the text can reach an error, a log or the UI
 * (SECURITY.md §3.12).
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g, '[JWT]')
    .replace(/\|(?:nip|internalId)-[^|\s]+\|[0-9a-f]{64}/gi, '|[KSeF token]')
    .replace(/[A-Za-z0-9+/]{120,}={0,2}/g, '[Base64]');
}

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);
const str = (x: unknown): string | undefined =>
  typeof x === 'string' && x.length > 0 ? redactSecrets(x).slice(0, MAX_TEXT) : undefined;
const int = (x: unknown): number | undefined => (Number.isSafeInteger(x) ? (x as number) : undefined);
const strings = (x: unknown): string[] =>
  Array.isArray(x) ? x.flatMap((d) => (str(d) === undefined ? [] : [str(d)!])) : [];

type Entry = { code?: number; description?: string; details: string[] };

function entryOf(code: unknown, description: unknown, details: unknown): Entry {
  return {
    ...(int(code) === undefined ? {} : { code: int(code)! }),
    ...(str(description) === undefined ? {} : { description: str(description)! }),
    details: strings(details),
  };
}

/** The first entry is the error; further entries (KSeF reports one per problem) join its details. */
function merge(entries: Entry[]): Pick<KsefErrorInfo, 'code' | 'description' | 'details'> {
  const [first, ...rest] = entries;
  if (!first) return {};
  const details = [
    ...first.details,
    ...rest.flatMap((e) => [[e.code, e.description].filter((x) => x !== undefined).join(': '), ...e.details]),
  ]
    .filter((d) => d.length > 0)
    .slice(0, MAX_DETAILS);
  return {
    ...(first.code === undefined ? {} : { code: first.code }),
    ...(first.description === undefined ? {} : { description: first.description }),
    ...(details.length > 0 ? { details } : {}),
  };
}

const SECURITY_KEYS_MAX = 20;
function securityOf(x: unknown): KsefErrorInfo['security'] | undefined {
  if (!isObject(x)) return undefined;
  const out: Record<string, string | number | boolean | readonly string[]> = {};
  for (const [k, val] of Object.entries(x).slice(0, SECURITY_KEYS_MAX)) {
    if (!/^[A-Za-z][A-Za-z0-9]{0,63}$/.test(k)) continue;
    if (typeof val === 'string') out[k] = val.slice(0, MAX_TEXT);
    else if (typeof val === 'number' || typeof val === 'boolean') out[k] = val;
    else if (Array.isArray(val)) out[k] = strings(val).slice(0, MAX_DETAILS);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Reads a KSeF error response in either format; never fails (an unreadable body gives the status only). */
export function parseKsefError(res: Pick<KsefResponse, 'status' | 'body'>): KsefErrorInfo {
  const base: KsefErrorInfo = { httpStatus: res.status };
  let body: unknown;
  try {
    body = res.body.trim() === '' ? undefined : JSON.parse(res.body);
  } catch {
    return base;
  }
  if (!isObject(body)) return base;

  // Legacy ExceptionResponse.
  if (isObject(body.exception)) {
    const ex = body.exception;
    const list = Array.isArray(ex.exceptionDetailList) ? ex.exceptionDetailList.filter(isObject) : [];
    const traceId = str(ex.serviceCode);
    return {
      ...base,
      ...merge(list.map((e) => entryOf(e.exceptionCode, e.exceptionDescription, e.details))),
      ...(traceId === undefined ? {} : { traceId }),
    };
  }
  // Legacy 429 TooManyRequestsResponse.
  if (isObject(body.status)) {
    return { ...base, ...merge([entryOf(body.status.code, body.status.description, body.status.details)]) };
  }

  // Problem Details (application/problem+json).
  const errors = Array.isArray(body.errors) ? body.errors.filter(isObject) : [];
  const fromErrors = merge(errors.map((e) => entryOf(e.code, e.description, e.details)));
  const description = fromErrors.description ?? str(body.detail) ?? str(body.title);
  const traceId = str(body.traceId);
  const reasonCode = str(body.reasonCode);
  const security = securityOf(body.security);
  const details = fromErrors.details;
  return {
    ...base,
    ...(fromErrors.code === undefined ? {} : { code: fromErrors.code }),
    ...(description === undefined ? {} : { description }),
    ...(details === undefined ? {} : { details }),
    ...(traceId === undefined ? {} : { traceId }),
    ...(reasonCode === undefined ? {} : { reasonCode }),
    ...(security === undefined ? {} : { security }),
  };
}

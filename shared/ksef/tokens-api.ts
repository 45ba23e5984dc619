/**
 * KSeF tokens (REFERENCE §3.8): generate, list (every page), get, revoke. Generating returns the
 * secret at once and does nothing else — KSeF shows it only once, so the caller must seal it in the
 * vault before anything else can fail (ARCHITECTURE "Nothing lost"); waiting for `Active` is a
 * separate step (wait-for-token-active.ts).
 */
import { fail, ok, type Result } from '../result.ts';
import type { JsonRequestBody, Schemas } from './api-types.ts';
import { collectPages } from './collect-pages.ts';
import { type CallerDeps, sendKsef } from './ksef-call.ts';
import {
  type GeneratedToken,
  GenerateTokenSchema,
  RESPONSE_ENUMS,
  type TokenInfo,
  type TokenList,
  TokenListSchema,
  type TokenStatus,
  TokenStatusSchema,
} from './response-schemas.ts';

export type TokenPermission = Schemas['TokenPermissionType'];
export const TOKEN_PERMISSIONS: readonly TokenPermission[] = Object.freeze([
  'InvoiceRead',
  'InvoiceWrite',
  'CredentialsRead',
  'CredentialsManage',
  'SubunitManage',
  'EnforcementOperations',
  'Introspection',
]);

export type TokenQuery = {
  readonly status?: TokenStatus;
  /** ≥ 3 characters, case-insensitive substring (spec). */
  readonly description?: string;
  readonly authorIdentifier?: string;
  readonly authorIdentifierType?: 'Nip' | 'Pesel' | 'Fingerprint';
  /** 10–100; default 100 so that a full list costs the fewest requests. */
  readonly pageSize?: number;
  readonly continuationToken?: string;
  readonly signal?: AbortSignal;
};

// What the Transport lets through in a query value (build-request-url.ts): no spaces or letters
// outside ASCII. A filter outside that is refused here with a clear reason rather than by the
// transport with BAD_PARAMS.
const QUERY_TEXT = /^[A-Za-z0-9_.:+-]{3,128}$/;

function checkGenerate(body: JsonRequestBody<'POST /tokens'>): string | undefined {
  const perms = body?.permissions;
  if (!Array.isArray(perms) || perms.length === 0) return 'at least one permission';
  if (new Set(perms).size !== perms.length) return 'each permission once';
  if (!perms.every((p) => TOKEN_PERMISSIONS.includes(p))) return 'unknown permission';
  const d = body.description;
  if (typeof d !== 'string' || d.length < 5 || d.length > 256) return 'description must be 5–256 characters';
  return undefined;
}

function checkQuery(q: TokenQuery): string | undefined {
  const pageSize = q.pageSize ?? 100;
  if (!Number.isInteger(pageSize) || pageSize < 10 || pageSize > 100) return 'pageSize must be 10–100';
  if (q.status !== undefined && !RESPONSE_ENUMS.TOKEN_STATUSES.includes(q.status)) return 'unknown status';
  for (const [name, text] of [
    ['description', q.description],
    ['authorIdentifier', q.authorIdentifier],
  ] as const) {
    if (text !== undefined && !QUERY_TEXT.test(text))
      return `${name} filter: 3–128 characters of A–Z, a–z, 0–9, . _ : + -`;
  }
  if (
    q.authorIdentifierType !== undefined &&
    !['Nip', 'Pesel', 'Fingerprint'].includes(q.authorIdentifierType)
  )
    return 'unknown authorIdentifierType';
  return undefined;
}

export function tokensApi(deps: CallerDeps) {
  async function list(accessToken: string, q: TokenQuery = {}): Promise<Result<TokenList>> {
    const bad = checkQuery(q);
    if (bad) return fail('INVALID_INPUT', { detail: bad });
    const query: Record<string, string | number> = { pageSize: q.pageSize ?? 100 };
    if (q.status !== undefined) query.status = q.status;
    if (q.description !== undefined) query.description = q.description;
    if (q.authorIdentifier !== undefined) query.authorIdentifier = q.authorIdentifier;
    if (q.authorIdentifierType !== undefined) query.authorIdentifierType = q.authorIdentifierType;
    const r = await sendKsef(deps, {
      operation: 'GET /tokens',
      bearer: accessToken,
      query,
      ...(q.continuationToken === undefined
        ? {}
        : { headers: { 'x-continuation-token': q.continuationToken } }),
      retry: 'idempotent',
      schema: TokenListSchema,
      ...(q.signal ? { signal: q.signal } : {}),
    });
    return r.ok ? ok(r.value.value) : r;
  }

  async function get(
    accessToken: string,
    referenceNumber: string,
    signal?: AbortSignal,
  ): Promise<Result<TokenInfo>> {
    const r = await sendKsef(deps, {
      operation: 'GET /tokens/{referenceNumber}',
      pathParams: { referenceNumber },
      bearer: accessToken,
      retry: 'idempotent',
      schema: TokenStatusSchema,
      ...(signal ? { signal } : {}),
    });
    return r.ok ? ok(r.value.value) : r;
  }

  return {
    /**
     * `POST /tokens`. Sent once: a lost answer may still have created a token whose secret nobody
     * saw — the caller finds it by the nonce it put in the description and revokes it (SECURITY T12).
     */
    async generate(
      accessToken: string,
      body: JsonRequestBody<'POST /tokens'>,
      signal?: AbortSignal,
    ): Promise<Result<GeneratedToken>> {
      const bad = checkGenerate(body);
      if (bad) return fail('INVALID_INPUT', { detail: bad });
      const r = await sendKsef(deps, {
        operation: 'POST /tokens',
        bearer: accessToken,
        json: { permissions: [...body.permissions], description: body.description },
        retry: 'once',
        schema: GenerateTokenSchema,
        ...(signal ? { signal } : {}),
      });
      return r.ok ? ok(r.value.value) : r;
    },
    list,
    /** Every token matching the filter, all pages. */
    async listAll(
      accessToken: string,
      q: Omit<TokenQuery, 'continuationToken'> = {},
    ): Promise<Result<TokenInfo[]>> {
      return collectPages(async (continuationToken) => {
        const r = await list(accessToken, {
          ...q,
          ...(continuationToken === undefined ? {} : { continuationToken }),
        });
        return r.ok ? ok({ items: r.value.tokens, continuationToken: r.value.continuationToken }) : r;
      });
    },
    get,
    /** `DELETE /tokens/{referenceNumber}`; the token goes Revoking → Revoked. */
    async revoke(accessToken: string, referenceNumber: string, signal?: AbortSignal): Promise<Result<void>> {
      const r = await sendKsef(deps, {
        operation: 'DELETE /tokens/{referenceNumber}',
        pathParams: { referenceNumber },
        bearer: accessToken,
        retry: 'idempotent',
        ...(signal ? { signal } : {}),
      });
      return r.ok ? ok(undefined) : r;
    },
  };
}

export type TokensApi = ReturnType<typeof tokensApi>;

/**
 * Active authentication sessions (REFERENCE §3.7): list (every page), revoke the current one (with
 * the access OR the refresh token — useful when the access token has already expired), revoke one by
 * its reference number. Revoking stops the refresh token; access tokens already issued live until
 * their `exp`, so the caller must drop them locally (CLIENT-NOTES §8).
 */
import { fail, ok, type Result } from '../result.ts';
import { collectPages } from './collect-pages.ts';
import { type CallerDeps, sendKsef } from './ksef-call.ts';
import { type SessionList, type SessionListItem, SessionListSchema } from './response-schemas.ts';

export type SessionPageQuery = {
  /** 10–100 (spec); default 100 here so that a full list costs the fewest requests. */
  readonly pageSize?: number;
  readonly continuationToken?: string;
  readonly signal?: AbortSignal;
};

const PAGE_SIZE = Object.freeze({ MIN: 10, MAX: 100, DEFAULT: 100 });

export function sessionsApi(deps: CallerDeps) {
  async function list(accessToken: string, query: SessionPageQuery = {}): Promise<Result<SessionList>> {
    const pageSize = query.pageSize ?? PAGE_SIZE.DEFAULT;
    if (!Number.isInteger(pageSize) || pageSize < PAGE_SIZE.MIN || pageSize > PAGE_SIZE.MAX)
      return fail('INVALID_INPUT', { detail: 'pageSize must be 10–100' });
    const r = await sendKsef(deps, {
      operation: 'GET /auth/sessions',
      bearer: accessToken,
      query: { pageSize },
      ...(query.continuationToken === undefined
        ? {}
        : { headers: { 'x-continuation-token': query.continuationToken } }),
      retry: 'idempotent',
      schema: SessionListSchema,
      ...(query.signal ? { signal: query.signal } : {}),
    });
    return r.ok ? ok(r.value.value) : r;
  }

  return {
    list,
    /** Every session, all pages. */
    async listAll(
      accessToken: string,
      options: { readonly signal?: AbortSignal; readonly pageSize?: number } = {},
    ): Promise<Result<SessionListItem[]>> {
      return collectPages(async (continuationToken) => {
        const r = await list(accessToken, {
          ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
          ...(continuationToken === undefined ? {} : { continuationToken }),
          ...(options.signal ? { signal: options.signal } : {}),
        });
        return r.ok ? ok({ items: r.value.items, continuationToken: r.value.continuationToken }) : r;
      });
    },
    /** `DELETE /auth/sessions/current` with the access token or the refresh token. */
    async revokeCurrent(accessOrRefreshToken: string, signal?: AbortSignal): Promise<Result<void>> {
      const r = await sendKsef(deps, {
        operation: 'DELETE /auth/sessions/current',
        bearer: accessOrRefreshToken,
        // Revoking twice leaves the same state: safe to re-send after a lost answer.
        retry: 'idempotent',
        ...(signal ? { signal } : {}),
      });
      return r.ok ? ok(undefined) : r;
    },
    /** `DELETE /auth/sessions/{referenceNumber}` (the auth operation's reference number). */
    async revoke(accessToken: string, referenceNumber: string, signal?: AbortSignal): Promise<Result<void>> {
      const r = await sendKsef(deps, {
        operation: 'DELETE /auth/sessions/{referenceNumber}',
        pathParams: { referenceNumber },
        bearer: accessToken,
        retry: 'idempotent',
        ...(signal ? { signal } : {}),
      });
      return r.ok ? ok(undefined) : r;
    },
  };
}

export type SessionsApi = ReturnType<typeof sessionsApi>;

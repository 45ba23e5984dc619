/**
 * Reads every page of a continuation-token list (`GET /auth/sessions`, `GET /tokens`): the token
 * from one answer goes back in the `x-continuation-token` header exactly as received (the C# client
 * unescapes it first, CLIENT-NOTES §8 — we do not touch it). Bounded: a server that keeps answering
 * with a token it already gave, or more pages than `maxPages`, is a BAD_RESPONSE, not an endless loop
 * that burns the hourly request budget of the "other" group (10/s, 30/min, 120/h).
 */
import { fail, ok, type Result } from '../result.ts';

export type Page<T> = {
  readonly items: readonly T[];
  readonly continuationToken?: string | null | undefined;
};

export const PAGING = Object.freeze({ MAX_PAGES: 20 });

export async function collectPages<T>(
  fetchPage: (continuationToken: string | undefined) => Promise<Result<Page<T>>>,
  maxPages: number = PAGING.MAX_PAGES,
): Promise<Result<T[]>> {
  const all: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const r = await fetchPage(token);
    if (!r.ok) return r;
    all.push(...r.value.items);
    const next = r.value.continuationToken;
    if (next === undefined || next === null || next === '') return ok(all);
    if (seen.has(next)) return fail('BAD_RESPONSE', { detail: 'the continuation token repeats' });
    seen.add(next);
    token = next;
  }
  return fail('BAD_RESPONSE', { detail: `more than ${maxPages} pages` });
}

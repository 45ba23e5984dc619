/**
 * `x-continuation-token` paging (REFERENCE §3.7, §3.8): an opaque token that the server hands out
 * and reads back; anything that is not one of ours is 21418 "…nieprawidłowy format."
 */
export const encodeContinuation = (offset: number): string =>
  Buffer.from(JSON.stringify({ o: offset }), 'utf8').toString('base64');

export function decodeContinuation(token: string | undefined): { ok: true; offset: number } | { ok: false } {
  if (token === undefined || token === '') return { ok: true, offset: 0 };
  try {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(token)) return { ok: false };
    const value = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { o?: unknown };
    if (typeof value.o !== 'number' || !Number.isInteger(value.o) || value.o < 0) return { ok: false };
    return { ok: true, offset: value.o };
  } catch {
    return { ok: false };
  }
}

export function page<T>(items: readonly T[], offset: number, size: number) {
  const slice = items.slice(offset, offset + size);
  const next = offset + size < items.length ? encodeContinuation(offset + size) : null;
  return { slice, continuationToken: next };
}

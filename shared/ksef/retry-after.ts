/**
 * `Retry-After` of a 429 (REFERENCE §2.6): the spec types it as integer seconds; an HTTP-date is
 * accepted too (RFC 9110 §10.2.3, and what the C# client parses). Missing or unreadable → the
 * caller's default. Negative or past values mean "now". A huge value is capped so that one bad header
 * cannot park a flow for a day — the cap still exceeds every wait a flow is willing to do, so it only
 * ever turns into "rate limited, try again later".
 */
export const RETRY_AFTER = Object.freeze({ DEFAULT_MS: 1000, MAX_MS: 3_600_000 });

export function parseRetryAfter(
  value: string | undefined,
  nowMs: number,
  defaultMs: number = RETRY_AFTER.DEFAULT_MS,
): number {
  const raw = value?.trim() ?? '';
  let ms: number;
  if (/^\d{1,10}$/.test(raw)) ms = Number(raw) * 1000;
  else if (/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(raw)) {
    const at = Date.parse(raw);
    ms = Number.isNaN(at) ? defaultMs : at - nowMs;
  } else ms = defaultMs;
  return Math.min(Math.max(0, ms), RETRY_AFTER.MAX_MS);
}

/**
 * The page protocol between an ERP page and our content script (docs/erp-integration.md, version 1).
 *
 * 1. The page creates a MessageChannel, keeps `port1` and posts
 *    `{type: 'ksef-wallet:hello', v: 1, want?: {nip?, environment?, refresh?}}` to its own window
 *    with `targetOrigin` = its own origin, transferring `port2`.
 * 2. The content script accepts only a hello whose `event.source` is its own window and whose
 *    `event.origin` is the page's origin, only once per document, and from then on writes to that
 *    port only. Sessions therefore reach only the script that created the channel: another listener
 *    that grabbed `port2` from the hello can write to the page, but never read what we send, and a
 *    frame of another origin never sees the hello at all.
 * 3. The content script may post `{type: 'ksef-wallet:present', v: 1}` to the window (own origin
 *    only), so that a page loaded before the extension says hello again.
 *
 * Dependency-free (STYLE.md §2): the content script must stay small.
 */

export const PAGE_PROTOCOL_VERSION = 1;

export const PAGE_MESSAGE = Object.freeze({
  HELLO: 'ksef-wallet:hello',
  PRESENT: 'ksef-wallet:present',
  READY: 'ksef-wallet:ready',
  STATUS: 'ksef-wallet:status',
  SESSION: 'ksef-wallet:session',
  SESSION_REFRESHED: 'ksef-wallet:session-refreshed',
  SESSION_ENDED: 'ksef-wallet:session-ended',
  ERROR: 'ksef-wallet:error',
});

/** Error codes an ERP page can receive; docs/erp-integration.md gives their meaning and texts. */
export const PAGE_ERROR_CODES = [
  'refused',
  'cancelled',
  'busy',
  'rate-limited',
  'timeout',
  'not-approved',
  'permissions-not-allowed',
  'wallet-error',
] as const;
export type PageErrorCode = (typeof PAGE_ERROR_CODES)[number];

export const PAGE_STATUS_STATES = ['logging-in', 'waiting-for-user'] as const;
export type PageStatusState = (typeof PAGE_STATUS_STATES)[number];

export type PageWant = {
  readonly nip?: string;
  readonly environment?: string;
  readonly refresh?: boolean;
};

/** The session object an ERP receives (docs/erp-integration.md "The session"). */
export type PageSession = {
  readonly environment: string;
  readonly nip: string;
  readonly referenceNumber: string;
  readonly accessToken: string;
  readonly accessTokenValidUntil: string;
  readonly refreshToken?: string;
  readonly refreshTokenValidUntil?: string;
};

const NIP = /^[1-9]((\d[1-9])|([1-9]\d))\d{7}$/;
const ENVIRONMENT = /^(TEST|DEMO|PRD|custom:[a-z0-9][a-z0-9-]{0,31})$/;

export const isPageNip = (x: unknown): x is string => typeof x === 'string' && NIP.test(x);
export const isPageEnvironment = (x: unknown): x is string => typeof x === 'string' && ENVIRONMENT.test(x);

const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x) && Object.getPrototypeOf(x) === Object.prototype;
const onlyKeys = (o: Record<string, unknown>, allowed: readonly string[]) =>
  Object.keys(o).every((k) => allowed.includes(k));

/**
 * Reads a hello's data strictly: the exact type and version, no other keys, and a `want` with a
 * valid NIP, environment and boolean `refresh` when present. Returns the want, or null.
 */
export function readHello(data: unknown): PageWant | null {
  if (!isPlainObject(data) || !onlyKeys(data, ['type', 'v', 'want'])) return null;
  if (data.type !== PAGE_MESSAGE.HELLO || data.v !== PAGE_PROTOCOL_VERSION) return null;
  if (data.want === undefined) return {};
  const want = data.want;
  if (!isPlainObject(want) || !onlyKeys(want, ['nip', 'environment', 'refresh'])) return null;
  if (want.nip !== undefined && !isPageNip(want.nip)) return null;
  if (want.environment !== undefined && !isPageEnvironment(want.environment)) return null;
  if (want.refresh !== undefined && typeof want.refresh !== 'boolean') return null;
  return {
    ...(want.nip !== undefined ? { nip: want.nip } : {}),
    ...(want.environment !== undefined ? { environment: want.environment } : {}),
    ...(want.refresh !== undefined ? { refresh: want.refresh } : {}),
  };
}

/** The attributes of an opt-in `<ksef-wallet-login nip="…" environment="…">` element, validated. */
export function readOptInAttributes(nip: string | null, environment: string | null): PageWant | null {
  if (nip !== null && !isPageNip(nip)) return null;
  if (environment !== null && !isPageEnvironment(environment)) return null;
  return { ...(nip !== null ? { nip } : {}), ...(environment !== null ? { environment } : {}) };
}

export const pageMessage = {
  present: () => ({ type: PAGE_MESSAGE.PRESENT, v: PAGE_PROTOCOL_VERSION }),
  ready: () => ({ type: PAGE_MESSAGE.READY, v: PAGE_PROTOCOL_VERSION }),
  status: (state: PageStatusState) => ({ type: PAGE_MESSAGE.STATUS, v: PAGE_PROTOCOL_VERSION, state }),
  session: (session: PageSession) => ({ type: PAGE_MESSAGE.SESSION, v: PAGE_PROTOCOL_VERSION, session }),
  refreshed: (referenceNumber: string, accessToken: string, accessTokenValidUntil: string) => ({
    type: PAGE_MESSAGE.SESSION_REFRESHED,
    v: PAGE_PROTOCOL_VERSION,
    referenceNumber,
    accessToken,
    accessTokenValidUntil,
  }),
  ended: (referenceNumber: string, reason: string) => ({
    type: PAGE_MESSAGE.SESSION_ENDED,
    v: PAGE_PROTOCOL_VERSION,
    referenceNumber,
    reason,
  }),
  error: (code: PageErrorCode, retryAfterSeconds?: number) => ({
    type: PAGE_MESSAGE.ERROR,
    v: PAGE_PROTOCOL_VERSION,
    code,
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
  }),
};

/**
 * The page's error code for a wallet error code (shared/result.ts): the page learns what to tell
 * its user, never more (no detail, no KSeF trace).
 */
export function pageErrorFor(code: string): PageErrorCode {
  switch (code) {
    case 'HANDOFF_REFUSED':
      return 'refused';
    case 'HANDOFF_CANCELLED':
      return 'cancelled';
    case 'HANDOFF_BUSY':
      return 'busy';
    case 'HANDOFF_BUDGET':
    case 'RATE_LIMITED':
    case 'LOGIN_BUDGET_EXCEEDED':
      return 'rate-limited';
    case 'TIMEOUT':
      return 'timeout';
    case 'NOT_ALLOWED':
    case 'SITE_NOT_ENABLED':
      return 'not-approved';
    case 'NEEDS_CONFIRMATION':
      return 'permissions-not-allowed';
    default:
      return 'wallet-error';
  }
}

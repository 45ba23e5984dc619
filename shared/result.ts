/**
 * Errors are values with stable codes (STYLE.md §3). Expected failures return a `Result`; `throw` is
 * for programmer errors. The UI maps `code` to Polish and English text. KSeF's own numbers travel
 * unchanged in `ksef.code`. No secret ever goes into an error: messages are built from codes and
 * non-secret details only.
 */
export type Result<T, E = WalletError> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const err = <E>(error: E): { ok: false; error: E } => ({ ok: false, error });

/** Stable error codes shared by every layer. Add, never renumber or reuse. */
export const ERROR_CODES = [
  // transport and bridge
  'NETWORK',
  'TIMEOUT',
  'ABORTED',
  'RESPONSE_TOO_LARGE',
  'REQUEST_TOO_LARGE',
  'REDIRECT_REFUSED',
  'EXTENSION_MISSING',
  'SENDER_REJECTED',
  'BAD_MESSAGE',
  'NOT_ALLOWED',
  'UNKNOWN_ENVIRONMENT',
  'UNKNOWN_OPERATION',
  'BAD_PARAMS',
  // KSeF
  'KSEF_REJECTED',
  'RATE_LIMITED',
  'BAD_RESPONSE',
  // vault and crypto
  'VAULT_LOCKED',
  'WRONG_PASSPHRASE',
  'UNSUPPORTED_FORMAT',
  'CORRUPTED',
  'INVALID_INPUT',
  'INTERNAL',
  // KSeF client (shared/ksef): outcomes of the login flows, sessions, tokens and certificates
  'KSEF_UNAVAILABLE',
  'AUTH_FAILED',
  'AUTH_BLOCKED',
  'AUTOMATION_STOPPED',
  'LOGIN_BUDGET_EXCEEDED',
  'STILL_IN_PROGRESS',
  'SUBMISSION_LOST',
  'REDEEM_LOST',
  'SESSION_ENDED',
  'TOKEN_FAILED',
  'ENROLLMENT_REJECTED',
  // session hand-off to ERP pages (extension/handoff, docs/wallet-extension-protocol.md)
  'SITE_NOT_ENABLED',
  'HANDOFF_NOT_FOUND',
  'HANDOFF_BUSY',
  'HANDOFF_BUDGET',
  'HANDOFF_REFUSED',
  'HANDOFF_CANCELLED',
  'SESSION_TOO_SHORT',
  'NEEDS_CONFIRMATION',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export type KsefErrorInfo = {
  readonly httpStatus: number;
  /** KSeF's own number (`errors[].code`, legacy `exceptionCode`, or an auth status code). */
  readonly code?: number;
  readonly description?: string;
  readonly details?: readonly string[];
  readonly traceId?: string;
  readonly reasonCode?: string;
  /** The `security` object of a 403 (required/present permissions, clientIp, …): non-secret facts. */
  readonly security?: Readonly<Record<string, string | number | boolean | readonly string[]>>;
};

export type WalletError = {
  readonly code: ErrorCode;
  /** Non-secret detail for logs and support, never shown as the primary message. */
  readonly detail?: string;
  readonly ksef?: KsefErrorInfo;
  readonly retryAfterMs?: number;
};

export const walletError = (code: ErrorCode, extra: Omit<WalletError, 'code'> = {}): WalletError => ({
  code,
  ...extra,
});

export const fail = <T = never>(code: ErrorCode, extra: Omit<WalletError, 'code'> = {}): Result<T> =>
  err(walletError(code, extra));

/**
 * The KSeF client's public surface (ARCHITECTURE "The KSeF client"): the typed client, the three
 * login flows (plus the TEST-only test-certificate login), the manual steps of a signed-request
 * login, the session keeper, token and enrollment waits, the shared rate-limit / login-budget /
 * public-key pieces the PWA may replace, and the error texts.
 */
export type { ChallengeInfo, SubmittedLogin, XadesSubmitOptions } from './auth-api.ts';
export { CHALLENGE_TTL_MS } from './auth-api.ts';
export type { PollPolicy, RetryPolicy } from './backoff.ts';
export {
  AUTH_POLL_PRODUCTION,
  AUTH_POLL_TEST,
  DEFAULT_RETRY,
  ENROLLMENT_POLL,
  pollDelayMs,
  retryDelayMs,
  TOKEN_ACTIVATION_POLL,
} from './backoff.ts';
export type { CertificateFilter, EnrollmentRequest, RevocationReason } from './certificates-api.ts';
export { AUTH_STATUS, authStatusError, completeLogin } from './complete-login.ts';
export type { AuthStatusView } from './get-auth-status.ts';
export { getAuthStatus } from './get-auth-status.ts';
export type { KsefClient, KsefClientOptions } from './ksef-client.ts';
export { companyKey, createKsefClient } from './ksef-client.ts';
export { parseKsefError } from './ksef-error.ts';
export type { KsefMessageKey } from './ksef-messages.ts';
export { describeKsefError, KSEF_MESSAGES, messageKeyOf } from './ksef-messages.ts';
export type { LoginBudgetState, LoginBudgetStore, LoginLimiter } from './login-limiter.ts';
export { createLoginLimiter, createMemoryLoginBudgetStore, LOGIN_BUDGET } from './login-limiter.ts';
export type {
  LoginMethod,
  LoginOptions,
  LoginPhase,
  LoginProgress,
  LoginResult,
  PendingLogin,
} from './login-types.ts';
export type { CertificateLoginInput } from './login-with-ksef-certificate.ts';
export { loginWithKsefCertificate, MIN_CHALLENGE_LEFT_MS } from './login-with-ksef-certificate.ts';
export type { TokenLoginInput } from './login-with-ksef-token.ts';
export { loginWithKsefToken } from './login-with-ksef-token.ts';
export type {
  PreparedSignedRequest,
  SignedFileOptions,
  SignedRequestInput,
} from './login-with-signed-request.ts';
export {
  loginWithSignedRequest,
  prepareSignedRequest,
  submitSignedRequest,
} from './login-with-signed-request.ts';
export type { TestCertificateLoginInput } from './login-with-test-certificate.ts';
export { loginWithTestCertificate } from './login-with-test-certificate.ts';
export type { CachedPublicKeys, PublicKeyCache, TokenEncryptionKey } from './public-keys.ts';
export { createMemoryPublicKeyCache, PUBLIC_KEY_CACHE } from './public-keys.ts';
export type { RateLimitGate } from './rate-limit-gate.ts';
export { createMemoryRateLimitGate } from './rate-limit-gate.ts';
export { redeemAccessToken } from './redeem-access-token.ts';
export type * from './response-schemas.ts';
export { parseKsefDateTime } from './response-schemas.ts';
export { parseRetryAfter } from './retry-after.ts';
export type { AccessToken, SessionKeeper, SessionTokens } from './session-keeper.ts';
export { keepSession, SESSION_KEEPER, sessionEndedBy } from './session-keeper.ts';
export type { TokenPermission, TokenQuery } from './tokens-api.ts';
export { TOKEN_PERMISSIONS } from './tokens-api.ts';
export { waitForEnrollment } from './wait-for-enrollment.ts';
export { waitForTokenActive } from './wait-for-token-active.ts';

/**
 * Login with an AuthTokenRequest signed outside the wallet (REFERENCE §5.2: qualified signature or
 * seal, Profil Zaufany, any XAdES tool), in the steps of the ERP help page:
 *
 *   1. prepareSignedRequest — "Pobierz żądanie autoryzacyjne": a fresh challenge and the unsigned
 *      XML to download, with its expiry (the challenge lives 10 minutes).
 *   2. submitSignedRequest — "Zaloguj podpisanym żądaniem autoryzacyjnym": the picked file is checked
 *      first with the crypto core's verifier against THIS challenge and context (precise errors:
 *      wrong or expired challenge, wrong company, broken signature with the element named), then its
 *      exact text is submitted.
 *   3. completeLogin (automatic by default, see loginWithSignedRequest) — or the manual buttons
 *      "Get status" (getAuthStatus) and "Redeem access token" (redeemAccessToken).
 *
 * A lost answer to the submission cannot be retried with a new challenge here: the signature is bound
 * to the old one. The user is told to download a new request and sign it again.
 */
import {
  type AuthorizationPolicy,
  buildUnsignedAuthTokenRequest,
  type ContextIdentifier,
  parseSignedAuthTokenRequest,
  type SubjectIdentifierType,
} from '../crypto/index.ts';
import { fail, ok, type Result } from '../result.ts';
import { CHALLENGE_TTL_MS } from './auth-api.ts';
import { completeLogin } from './complete-login.ts';
import { TRANSPORT_LIMITS } from './fetch-transport.ts';
import { companyKey, type KsefClient } from './ksef-client.ts';
import { contextOf, submissionError } from './login-attempts.ts';
import type { LoginOptions, LoginResult, PendingLogin } from './login-types.ts';

export type SignedRequestInput = {
  /** Defaults to the client's company. */
  readonly context?: ContextIdentifier;
  /** `certificateSubject` (default) or `certificateFingerprint` when the certificate carries no NIP/PESEL. */
  readonly subjectIdentifierType?: SubjectIdentifierType;
  readonly authorizationPolicy?: AuthorizationPolicy;
};

export type PreparedSignedRequest = {
  /** The unsigned AuthTokenRequest (UTF-8 XML) to download and sign elsewhere. */
  readonly xml: string;
  readonly fileName: string;
  readonly challenge: string;
  /** KSeF's timestamp of the challenge. */
  readonly challengeTimestampMs: number;
  /** Expiry on OUR clock (for the countdown and the file check). */
  readonly challengeExpiresAtMs: number;
  readonly clientIp: string;
  readonly context: ContextIdentifier;
};

export type SignedFileOptions = {
  readonly signal?: AbortSignal;
  readonly verifyCertificateChain?: boolean;
  readonly enforceXadesCompliance?: boolean;
};

export async function prepareSignedRequest(
  client: KsefClient,
  input: SignedRequestInput = {},
  options: { readonly signal?: AbortSignal } = {},
): Promise<Result<PreparedSignedRequest>> {
  const context = contextOf(client, input.context, input.authorizationPolicy);
  if (!context.ok) return context;
  const challenge = await client.auth.challenge(options.signal);
  if (!challenge.ok) return challenge;
  const xml = buildUnsignedAuthTokenRequest({
    challenge: challenge.value.challenge,
    context: context.value,
    subjectIdentifierType: input.subjectIdentifierType ?? 'certificateSubject',
    ...(input.authorizationPolicy ? { authorizationPolicy: input.authorizationPolicy } : {}),
  });
  // A challenge KSeF sent that the XSD pattern refuses is KSeF's fault, not the user's.
  if (!xml.ok) return fail('BAD_RESPONSE', { detail: `cannot build the request: ${xml.error.detail ?? ''}` });
  return ok({
    xml: xml.value,
    fileName: `AuthTokenRequest-${context.value.value}-${challenge.value.challenge}.xml`,
    challenge: challenge.value.challenge,
    challengeTimestampMs: challenge.value.timestampMs,
    challengeExpiresAtMs: challenge.value.expiresAtMs,
    clientIp: challenge.value.clientIp,
    context: context.value,
  });
}

/** Reads a picked file as the exact text to submit: UTF-8 only, within the transport's size cap. */
function fileText(file: string | Uint8Array): Result<string> {
  const bytes = typeof file === 'string' ? new TextEncoder().encode(file).byteLength : file.byteLength;
  if (bytes > TRANSPORT_LIMITS.MAX_REQUEST_BYTES)
    return fail('REQUEST_TOO_LARGE', { detail: 'the signed file is larger than 1 MiB' });
  if (typeof file === 'string') return ok(file);
  try {
    return ok(new TextDecoder('utf-8', { fatal: true }).decode(file));
  } catch {
    return fail('INVALID_INPUT', { detail: 'the signed file is not UTF-8 text' });
  }
}

/** Checks the picked signed file against the prepared request and submits it unchanged. */
export async function submitSignedRequest(
  client: KsefClient,
  prepared: PreparedSignedRequest,
  file: string | Uint8Array,
  options: SignedFileOptions = {},
): Promise<Result<PendingLogin>> {
  const text = fileText(file);
  if (!text.ok) return text;
  const checked = await parseSignedAuthTokenRequest(client.subtle, text.value, {
    nowMs: client.clock.now(),
    challenge: prepared.challenge,
    challengeTimestampMs: prepared.challengeExpiresAtMs - CHALLENGE_TTL_MS,
    context: prepared.context,
  });
  if (!checked.ok) return checked;
  const budget = await client.loginLimiter.acquire(companyKey(client.env, prepared.context));
  if (!budget.ok) return budget;
  if (options.signal?.aborted) return fail('ABORTED');
  const submitted = await client.auth.submitXadesSignature(text.value, options);
  if (!submitted.ok) {
    const e = submissionError(submitted.error);
    return {
      ok: false,
      error:
        e.code === 'SUBMISSION_LOST'
          ? { ...e, detail: `${e.detail}; download a new authorization request and sign it again` }
          : e,
    };
  }
  return ok({
    referenceNumber: submitted.value.referenceNumber,
    authenticationToken: submitted.value.authenticationToken.token,
    authenticationTokenValidUntil: submitted.value.authenticationToken.validUntil,
    method: 'signedRequest',
    challengeExpiresAtMs: prepared.challengeExpiresAtMs,
    clientIp: prepared.clientIp,
    warnings: submitted.value.warnings,
  });
}

/** Steps 2 and 3 in one go: check, submit, poll, redeem. */
export async function loginWithSignedRequest(
  client: KsefClient,
  prepared: PreparedSignedRequest,
  file: string | Uint8Array,
  options: LoginOptions & Omit<SignedFileOptions, 'signal'> = {},
): Promise<Result<LoginResult>> {
  options.onProgress?.({
    phase: 'submitting',
    attempt: 1,
    polls: 0,
    challengeLeftMs: Math.max(0, prepared.challengeExpiresAtMs - client.clock.now()),
  });
  const pending = await submitSignedRequest(client, prepared, file, options);
  if (!pending.ok) return pending;
  return completeLogin(client, pending.value, options);
}

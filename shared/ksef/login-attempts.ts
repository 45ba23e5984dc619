/**
 * The attempt loop around one login: take a slot from the company's login budget, let the flow get a
 * challenge and submit, then poll and redeem (complete-login.ts). A fresh challenge — never a
 * re-POST of the same body — is taken, at most once each, when:
 *
 *   - the submission's answer was lost (SUBMISSION_LOST: network error, timeout or 5xx on
 *     `POST /auth/xades-signature` / `POST /auth/ksef-token`): KSeF may or may not have the
 *     submission, and whether a challenge is single-use is undocumented, so assume it is (CLIENT-NOTES §2);
 *   - the status ended 550 "Operacja została anulowana przez system … Spróbuj ponownie" (REFERENCE §4);
 *   - the flow asks for it (`restartOn`, e.g. the token flow after 21470 with a refetched key).
 *
 * Each attempt counts against the 30-logins-per-hour budget, because KSeF sees each one.
 */
import {
  type AuthorizationPolicy,
  type ContextIdentifier,
  validateAuthTokenRequestInput,
} from '../crypto/index.ts';
import { fail, type Result, type WalletError } from '../result.ts';
import { AUTH_STATUS, completeLogin } from './complete-login.ts';
import { isLostAnswer } from './ksef-call.ts';
import { companyKey, type KsefClient } from './ksef-client.ts';
import type { LoginOptions, LoginResult, PendingLogin } from './login-types.ts';

export const LOGIN_RESTARTS = Object.freeze({ AFTER_LOST_SUBMISSION: 1, AFTER_550: 1 });

export type Submit = (attempt: number) => Promise<Result<PendingLogin>>;

/** Turns the error of a `once` submission into SUBMISSION_LOST when its answer may have been lost. */
export function submissionError(e: WalletError): WalletError {
  if (!isLostAnswer(e)) return e;
  return {
    code: 'SUBMISSION_LOST',
    detail: `the answer to the submission was lost (${e.code}); it is never re-sent`,
    ...(e.ksef ? { ksef: e.ksef } : {}),
  };
}

export async function runLoginAttempts(
  client: KsefClient,
  context: ContextIdentifier,
  options: LoginOptions,
  submit: Submit,
  restartOn: (error: WalletError) => boolean = () => false,
): Promise<Result<LoginResult>> {
  let lostRestarts = 0;
  let cancelledRestarts = 0;
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) return fail('ABORTED');
    const budget = await client.loginLimiter.acquire(companyKey(client.env, context));
    if (!budget.ok) return budget;
    const pending = await submit(attempt);
    if (!pending.ok) {
      if (pending.error.code === 'SUBMISSION_LOST' && lostRestarts < LOGIN_RESTARTS.AFTER_LOST_SUBMISSION) {
        lostRestarts++;
        continue;
      }
      if (restartOn(pending.error)) continue;
      return pending;
    }
    const done = await completeLogin(client, pending.value, { ...options, attempt });
    if (
      !done.ok &&
      done.error.code === 'AUTH_FAILED' &&
      done.error.ksef?.code === AUTH_STATUS.CANCELLED &&
      cancelledRestarts < LOGIN_RESTARTS.AFTER_550
    ) {
      cancelledRestarts++;
      continue;
    }
    return done;
  }
}

/** A well-formed challenge, only to run the request rules on the caller's input before any request. */
const SAMPLE_CHALLENGE = '20250101-CR-0000000000-0000000000-00';

/**
 * The context a flow logs into — its own input, else the client's company — checked with the
 * AuthTokenRequest rules (identifier patterns, at most 10 addresses of each IP kind, §3.3/§6.1)
 * before a challenge is fetched or a login counted against the budget.
 */
export function contextOf(
  client: KsefClient,
  given?: ContextIdentifier,
  authorizationPolicy?: AuthorizationPolicy,
): Result<ContextIdentifier> {
  const context = given ?? client.context;
  if (!context) return fail('INVALID_INPUT', { detail: 'no context (company) to log in to' });
  if (client.context && (client.context.type !== context.type || client.context.value !== context.value))
    return fail('INVALID_INPUT', { detail: 'the context differs from the client’s company' });
  const checked = validateAuthTokenRequestInput({
    challenge: SAMPLE_CHALLENGE,
    context,
    subjectIdentifierType: 'certificateSubject',
    ...(authorizationPolicy ? { authorizationPolicy } : {}),
  });
  if (!checked.ok)
    return fail('INVALID_INPUT', { ...(checked.error.detail ? { detail: checked.error.detail } : {}) });
  return { ok: true, value: context };
}

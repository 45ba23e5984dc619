/**
 * Login with a KSeF certificate (REFERENCE §5.3 "Logging in with it"): challenge → AuthTokenRequest
 * built and XAdES-signed by the crypto core with the non-extractable key and the KSeF-issued
 * certificate → `POST /auth/xades-signature` → poll → redeem. The request is signed only for a
 * challenge this flow fetched itself, moments ago, and submitted at once (SECURITY.md T10), and never
 * with less than 60 s of the challenge left (§4; the crypto core refuses too).
 */
import {
  type AuthorizationPolicy,
  buildSignedAuthTokenRequest,
  type ContextIdentifier,
  type SubjectIdentifierType,
} from '../crypto/index.ts';
import { fail, ok, type Result } from '../result.ts';
import { CHALLENGE_TTL_MS } from './auth-api.ts';
import type { KsefClient } from './ksef-client.ts';
import { contextOf, runLoginAttempts, submissionError } from './login-attempts.ts';
import type { LoginMethod, LoginOptions, LoginResult, PendingLogin } from './login-types.ts';

export const MIN_CHALLENGE_LEFT_MS = 60_000;

export type CertificateLoginInput = {
  /** Defaults to the client's company. */
  readonly context?: ContextIdentifier;
  /** The certificate's private key, non-extractable (unwrapped in the key worker). */
  readonly privateKey: CryptoKey;
  readonly certificateDer: Uint8Array;
  /** `certificateSubject` (default) or `certificateFingerprint` (§6.1). */
  readonly subjectIdentifierType?: SubjectIdentifierType;
  readonly authorizationPolicy?: AuthorizationPolicy;
  /** TEST only: ask KSeF to check the chain and OCSP/CRL as well. */
  readonly verifyCertificateChain?: boolean;
  readonly enforceXadesCompliance?: boolean;
};

/** One signed submission; shared with the test-certificate login. */
export function signAndSubmit(
  client: KsefClient,
  context: ContextIdentifier,
  input: CertificateLoginInput,
  method: LoginMethod,
  options: LoginOptions,
) {
  return async (attempt: number): Promise<Result<PendingLogin>> => {
    const report = (phase: 'challenge' | 'signing' | 'submitting', challengeLeftMs?: number) =>
      options.onProgress?.({
        phase,
        attempt,
        polls: 0,
        ...(challengeLeftMs === undefined ? {} : { challengeLeftMs }),
      });
    report('challenge');
    const challenge = await client.auth.challenge(options.signal);
    if (!challenge.ok) return challenge;
    const left = () => challenge.value.expiresAtMs - client.clock.now();
    if (left() < MIN_CHALLENGE_LEFT_MS)
      return fail('INVALID_INPUT', { detail: 'less than a minute of the challenge left; not signing' });
    report('signing', left());
    const signed = await buildSignedAuthTokenRequest(
      { subtle: client.subtle, clock: client.clock },
      {
        challenge: challenge.value.challenge,
        // Our-clock start of the challenge, so that the 60-second rule holds on a skewed device too.
        challengeTimestampMs: challenge.value.expiresAtMs - CHALLENGE_TTL_MS,
        context,
        subjectIdentifierType: input.subjectIdentifierType ?? 'certificateSubject',
        ...(input.authorizationPolicy ? { authorizationPolicy: input.authorizationPolicy } : {}),
        signer: { privateKey: input.privateKey, certificateDer: input.certificateDer },
      },
    );
    if (!signed.ok) return signed;
    if (options.signal?.aborted) return fail('ABORTED');
    report('submitting', left());
    const submitted = await client.auth.submitXadesSignature(signed.value, {
      ...(input.verifyCertificateChain === undefined
        ? {}
        : { verifyCertificateChain: input.verifyCertificateChain }),
      ...(input.enforceXadesCompliance ? { enforceXadesCompliance: true } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (!submitted.ok) return { ok: false, error: submissionError(submitted.error) };
    return ok({
      referenceNumber: submitted.value.referenceNumber,
      authenticationToken: submitted.value.authenticationToken.token,
      authenticationTokenValidUntil: submitted.value.authenticationToken.validUntil,
      method,
      challengeExpiresAtMs: challenge.value.expiresAtMs,
      clientIp: challenge.value.clientIp,
      warnings: submitted.value.warnings,
    });
  };
}

export async function loginWithKsefCertificate(
  client: KsefClient,
  input: CertificateLoginInput,
  options: LoginOptions = {},
): Promise<Result<LoginResult>> {
  const context = contextOf(client, input.context, input.authorizationPolicy);
  if (!context.ok) return context;
  return runLoginAttempts(
    client,
    context.value,
    options,
    signAndSubmit(client, context.value, input, 'ksefCertificate', options),
  );
}

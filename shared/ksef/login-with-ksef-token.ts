/**
 * Login with a KSeF token (REFERENCE §5.4): the `KsefTokenEncryption` public key (from the cache when
 * still good; a cold cache costs one extra request) → challenge → `encryptedToken` =
 * RSA-OAEP-SHA256(`token|timestampMs` of THIS challenge) by the crypto core → `POST /auth/ksef-token`
 * with `publicKeyId` → poll → redeem. Optional IP policy (`authorizationPolicy.allowedIps`, not the
 * Java client's ignored pre-RC5 shape, CLIENT-NOTES §5).
 *
 * 21470 (the key id is unknown or withdrawn — a rotation, §10): refetch the key list once, take a new
 * challenge, re-encrypt and submit once more. Everything else about the token (wrong, revoked,
 * inactive, other context) arrives as auth status 450 with its detail.
 */
import { type AuthorizationPolicy, type ContextIdentifier, encryptKsefToken } from '../crypto/index.ts';
import { fail, ok, type Result, type WalletError } from '../result.ts';
import type { KsefClient } from './ksef-client.ts';
import { contextOf, runLoginAttempts, submissionError } from './login-attempts.ts';
import type { LoginOptions, LoginResult, PendingLogin } from './login-types.ts';

export const UNKNOWN_PUBLIC_KEY = 21470;

export type TokenLoginInput = {
  /** The token's own context; defaults to the client's company. */
  readonly context?: ContextIdentifier;
  /** The full token string from `POST /tokens` (it contains `|` itself). */
  readonly token: string;
  readonly authorizationPolicy?: AuthorizationPolicy;
};

export async function loginWithKsefToken(
  client: KsefClient,
  input: TokenLoginInput,
  options: LoginOptions = {},
): Promise<Result<LoginResult>> {
  const ctx = contextOf(client, input.context, input.authorizationPolicy);
  if (!ctx.ok) return ctx;
  const context = ctx.value;
  let refetchedKey = false;
  let forceRefresh = false;

  const submit = async (attempt: number): Promise<Result<PendingLogin>> => {
    const report = (
      phase: 'publicKey' | 'challenge' | 'encrypting' | 'submitting',
      challengeLeftMs?: number,
    ) =>
      options.onProgress?.({
        phase,
        attempt,
        polls: 0,
        ...(challengeLeftMs === undefined ? {} : { challengeLeftMs }),
      });
    report('publicKey');
    // Refetched only on the attempt right after a 21470, the cache serves the others.
    const key = await client.publicKeys.tokenEncryptionKey({
      forceRefresh,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    forceRefresh = false;
    if (!key.ok) return key;
    report('challenge');
    const challenge = await client.auth.challenge(options.signal);
    if (!challenge.ok) return challenge;
    const left = () => Math.max(0, challenge.value.expiresAtMs - client.clock.now());
    report('encrypting', left());
    const encryptedToken = await encryptKsefToken(
      client.subtle,
      // The challenge's own timestampMs, exactly as KSeF sent it (§9.1; never re-derived, #214).
      { token: input.token, timestampMs: challenge.value.timestampMs },
      key.value.certificate,
    );
    if (!encryptedToken.ok) return encryptedToken;
    if (options.signal?.aborted) return fail('ABORTED');
    report('submitting', left());
    const submitted = await client.auth.submitKsefToken(
      {
        challenge: challenge.value.challenge,
        contextIdentifier: { type: context.type, value: context.value },
        encryptedToken: encryptedToken.value,
        publicKeyId: key.value.publicKeyId,
        ...(input.authorizationPolicy
          ? {
              authorizationPolicy: {
                allowedIps: {
                  ...(input.authorizationPolicy.allowedIps.ip4Addresses?.length
                    ? { ip4Addresses: [...input.authorizationPolicy.allowedIps.ip4Addresses] }
                    : {}),
                  ...(input.authorizationPolicy.allowedIps.ip4Ranges?.length
                    ? { ip4Ranges: [...input.authorizationPolicy.allowedIps.ip4Ranges] }
                    : {}),
                  ...(input.authorizationPolicy.allowedIps.ip4Masks?.length
                    ? { ip4Masks: [...input.authorizationPolicy.allowedIps.ip4Masks] }
                    : {}),
                },
              },
            }
          : {}),
      },
      options.signal,
    );
    if (!submitted.ok) return { ok: false, error: submissionError(submitted.error) };
    return ok({
      referenceNumber: submitted.value.referenceNumber,
      authenticationToken: submitted.value.authenticationToken.token,
      authenticationTokenValidUntil: submitted.value.authenticationToken.validUntil,
      method: 'ksefToken',
      challengeExpiresAtMs: challenge.value.expiresAtMs,
      clientIp: challenge.value.clientIp,
      warnings: submitted.value.warnings,
    });
  };

  const restartOn = (e: WalletError): boolean => {
    if (refetchedKey || e.code !== 'KSEF_REJECTED' || e.ksef?.code !== UNKNOWN_PUBLIC_KEY) return false;
    refetchedKey = true;
    forceRefresh = true;
    return true;
  };
  return runLoginAttempts(client, context, options, submit, restartOn);
}

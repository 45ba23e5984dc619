/**
 * THE REFERENCE, NOT THE PRODUCT: a login that imitates the polling schedule of the official C#
 * client (CLIENT-NOTES §1, `AuthCoordinator.WaitForAuthCompletionAsync` in
 * CIRFMF/ksef-client-csharp): challenge → encrypt the token or sign the request → submit → GET the
 * auth status at once and then every 1 s (fixed interval, 2-minute timeout, gives up on 400–499,
 * returns on 200, keeps polling anything else) → redeem. It lives in bench/ only, as the figure the
 * wallet must beat; the product's flows are shared/ksef/login-with-*.ts.
 *
 * It is written in our own words over OUR typed calls, transport, public-key cache and crypto core,
 * so that the one difference from the product's login measured beside it is the polling schedule
 * (the product polls at once, then 50 ms × 1.3ⁿ; shared/ksef/backoff.ts). Like the C# client it does
 * not restart on 550, has no login budget and no cancellation.
 */
import { buildSignedAuthTokenRequest, encryptKsefToken } from '../../shared/crypto/index.ts';
import type { SubmittedLogin } from '../../shared/ksef/auth-api.ts';
import type { KsefClient } from '../../shared/ksef/ksef-client.ts';
import { fail, ok, type Result } from '../../shared/result.ts';

/** The official client's schedule: 1 s between polls, 2 minutes in all (CLIENT-NOTES §1). */
export const OFFICIAL_CLIENT_POLLING = Object.freeze({ intervalMs: 1000, timeoutMs: 120_000 });

export type FixedIntervalLoginInput =
  | { readonly method: 'ksefToken'; readonly token: string }
  | {
      readonly method: 'ksefCertificate';
      readonly privateKey: CryptoKey;
      readonly certificateDer: Uint8Array;
    };

export type FixedIntervalLogin = { readonly accessToken: string; readonly polls: number };

export async function loginWithFixedIntervalPolling(
  client: KsefClient,
  input: FixedIntervalLoginInput,
  schedule: { readonly intervalMs: number; readonly timeoutMs: number } = OFFICIAL_CLIENT_POLLING,
): Promise<Result<FixedIntervalLogin>> {
  const context = client.context;
  if (!context) return fail('INVALID_INPUT', { detail: 'the client has no company' });

  const submitted = await submit(client, context, input);
  if (!submitted.ok) return submitted;
  const pending = {
    referenceNumber: submitted.value.referenceNumber,
    authenticationToken: submitted.value.authenticationToken.token,
  };

  const deadline = client.clock.now() + schedule.timeoutMs;
  let polls = 0;
  // do { status; 200 → done; 4xx → give up; wait 1 s } while (before the deadline) — as in C#.
  for (;;) {
    const status = await client.auth.status(pending);
    polls += 1;
    if (!status.ok) return status;
    const code = status.value.status.code;
    if (code === 200) break;
    if (code >= 400 && code <= 499)
      return fail('AUTH_FAILED', { detail: `auth status ${code} (fixed-interval reference)` });
    await client.clock.sleep(schedule.intervalMs);
    if (client.clock.now() >= deadline)
      return fail('STILL_IN_PROGRESS', { detail: 'the fixed-interval reference timed out' });
  }
  const redeemed = await client.auth.redeem(pending.authenticationToken);
  if (!redeemed.ok) return redeemed;
  return ok({ accessToken: redeemed.value.accessToken.token, polls });
}

async function submit(
  client: KsefClient,
  context: NonNullable<KsefClient['context']>,
  input: FixedIntervalLoginInput,
): Promise<Result<SubmittedLogin>> {
  if (input.method === 'ksefToken') {
    // The C# client keeps the encryption certificate in its CryptographyService cache, as we do.
    const key = await client.publicKeys.tokenEncryptionKey({});
    if (!key.ok) return key;
    const challenge = await client.auth.challenge();
    if (!challenge.ok) return challenge;
    const encryptedToken = await encryptKsefToken(
      client.subtle,
      { token: input.token, timestampMs: challenge.value.timestampMs },
      key.value.certificate,
    );
    if (!encryptedToken.ok) return encryptedToken;
    return client.auth.submitKsefToken({
      challenge: challenge.value.challenge,
      contextIdentifier: { type: context.type, value: context.value },
      encryptedToken: encryptedToken.value,
      publicKeyId: key.value.publicKeyId,
    });
  }
  const challenge = await client.auth.challenge();
  if (!challenge.ok) return challenge;
  const signed = await buildSignedAuthTokenRequest(
    { subtle: client.subtle, clock: client.clock },
    {
      challenge: challenge.value.challenge,
      context,
      subjectIdentifierType: 'certificateSubject',
      signer: { privateKey: input.privateKey, certificateDer: input.certificateDer },
    },
  );
  if (!signed.ok) return signed;
  return client.auth.submitXadesSignature(signed.value);
}

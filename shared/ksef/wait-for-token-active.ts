/**
 * After `POST /tokens` the token is `Pending` until KSeF has activated it and assigned its
 * permissions (REFERENCE §3.8); only `Active` tokens log in. Polled with back-off on the "other"
 * group's schedule (backoff.ts: ≤ 16 requests in the first minute, 60 s budget like the C# tests).
 * `Failed` (generate a new one), `Revoking` and `Revoked` are final: TOKEN_FAILED with the status.
 * Call it only after the secret has been stored (the generate step returns it first).
 */
import { fail, ok, type Result } from '../result.ts';
import type { PollPolicy } from './backoff.ts';
import type { KsefClient } from './ksef-client.ts';
import { pollUntil } from './poll-until.ts';
import type { TokenInfo } from './response-schemas.ts';

export async function waitForTokenActive(
  client: KsefClient,
  accessToken: string,
  referenceNumber: string,
  options: {
    readonly signal?: AbortSignal;
    readonly onProgress?: (p: { readonly polls: number; readonly status: TokenInfo['status'] }) => void;
    readonly polling?: Partial<PollPolicy>;
  } = {},
): Promise<Result<TokenInfo>> {
  const polled = await pollUntil(
    client.clock,
    { ...client.polling.tokenActivation, ...(options.polling ?? {}) },
    () => client.tokens.get(accessToken, referenceNumber, options.signal),
    (t) => t.status !== 'Pending',
    {
      ...(options.signal ? { signal: options.signal } : {}),
      onPoll: (t, polls) => options.onProgress?.({ polls, status: t.status }),
    },
  );
  if (!polled.ok) return polled;
  const token = polled.value.value;
  if (token.status === 'Active') return ok(token);
  return fail('TOKEN_FAILED', {
    detail: `token ${referenceNumber} is ${token.status}${token.statusDetails?.length ? `: ${token.statusDetails.join('; ')}` : ''}`,
  });
}

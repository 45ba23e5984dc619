/**
 * The one-click path (docs/wallet-extension-protocol.md §5.3): the background pushes `handoff.mint`
 * to an unlocked wallet window when the origin is approved for the company. The window mints a
 * fresh session without showing anything and answers with `handoff.complete` — or `needs-user`
 * when it cannot do so without the user (locked after all, the company or the vault's own approval
 * is missing, the session would carry credential permissions the approval did not confirm); the
 * extension then opens a wallet window for the same request.
 *
 * The push names grant and confirmation, but the wallet checks its own MAC'd approval too
 * (SECURITY.md T9 "approval re-checked"): a record in the extension alone mints nothing.
 */
import type { PushPayloads } from '../../../shared/protocol/wallet-push.ts';
import { longEnoughToHand, needsCredentialConfirmation } from './handoff-policy.ts';
import type { HandoffVault } from './handoff-vault.ts';
import type { ExtensionCall } from './handoff-window.ts';

export type SilentMintDeps = {
  readonly call: ExtensionCall;
  readonly vault: HandoffVault;
  readonly now: () => number;
  readonly randomId: () => string;
  /** A request the background cancelled meanwhile (`handoff.cancelled`). */
  readonly isCancelled: (handoffId: string) => boolean;
};

export type SilentMintOutcome =
  | { readonly outcome: 'delivered'; readonly referenceNumber: string; readonly withRefresh: boolean }
  | { readonly outcome: 'needs-user'; readonly why: string }
  | { readonly outcome: 'not-delivered'; readonly referenceNumber: string }
  | { readonly outcome: 'failed'; readonly code: string }
  | { readonly outcome: 'ignored'; readonly why: string };

export async function mintSilently(
  deps: SilentMintDeps,
  push: PushPayloads['handoff.mint'],
): Promise<SilentMintOutcome> {
  const { handoffId } = push;
  if (push.expiresAt <= deps.now()) return { outcome: 'ignored', why: 'expired' };
  const needsUser = async (why: string): Promise<SilentMintOutcome> => {
    if (!deps.isCancelled(handoffId))
      await deps.call('handoff.complete', { handoffId, outcome: 'needs-user' });
    return { outcome: 'needs-user', why };
  };

  let state: string;
  try {
    state = (await deps.vault.status()).state;
  } catch {
    return needsUser('vault not answering');
  }
  if (state !== 'unlocked') return needsUser('locked');
  const company = (await deps.vault.listCompanies()).find(
    (c) => c.nip === push.nip && c.environment === push.environment,
  );
  if (!company) return needsUser('company not in the vault');
  const own = await deps.vault.handoffApproval({ origin: push.origin, companyId: company.id });
  if (!own.ok) return needsUser(own.error.code === 'VAULT_LOCKED' ? 'locked' : 'approval unreadable');
  if (!own.value.approved) return needsUser('no approval in the vault');
  // A refresh token leaves the worker only if both records allow it and the page asked for one.
  const includeRefresh = push.grant === 'with-refresh' && own.value.allowRefresh && push.wantRefresh;

  const minted = await deps.vault.mintHandoffSession({
    operationId: deps.randomId(),
    companyId: company.id,
    origin: push.origin,
    includeRefreshToken: includeRefresh,
    erpAddresses: own.value.erpAddresses,
  });
  const revoke = (ref: string) =>
    deps.vault.revokeHandedSessions({ operationId: deps.randomId(), referenceNumbers: [ref] });
  if (!minted.ok) {
    if (minted.error.code === 'VAULT_LOCKED') return needsUser('locked');
    if (!deps.isCancelled(handoffId))
      await deps.call('handoff.complete', {
        handoffId,
        outcome: 'failed',
        error: {
          code: minted.error.code,
          ...(minted.error.ksef?.code !== undefined && Number.isInteger(minted.error.ksef.code)
            ? { ksefCode: minted.error.ksef.code }
            : {}),
          ...(minted.error.retryAfterMs !== undefined
            ? { retryAfterMs: Math.round(minted.error.retryAfterMs) }
            : {}),
        },
      });
    return { outcome: 'failed', code: minted.error.code };
  }
  const session = minted.value;
  if (deps.isCancelled(handoffId)) {
    // The request ended while KSeF was logging in (§5.3): nobody may get this session.
    await revoke(session.referenceNumber);
    return { outcome: 'ignored', why: 'cancelled' };
  }
  if (needsCredentialConfirmation(session.permissions) && !push.credentialsConfirmed) {
    // SECURITY.md T7: not without the explicit extra confirmation, which only a window can ask.
    await revoke(session.referenceNumber);
    return needsUser('credential permissions not confirmed');
  }
  if (!longEnoughToHand(session.accessTokenValidUntil, deps.now())) {
    // SECURITY.md §4: never hand off with less than 5 minutes left.
    await revoke(session.referenceNumber);
    await deps.call('handoff.complete', {
      handoffId,
      outcome: 'failed',
      error: { code: 'SESSION_TOO_SHORT' },
    });
    return { outcome: 'failed', code: 'SESSION_TOO_SHORT' };
  }
  const reply = await deps.call('handoff.complete', {
    handoffId,
    outcome: 'session',
    session: {
      environment: session.environment,
      nip: session.nip,
      referenceNumber: session.referenceNumber,
      accessToken: session.accessToken,
      accessTokenValidUntil: session.accessTokenValidUntil,
      ...(session.refreshToken !== undefined && session.refreshTokenValidUntil !== undefined
        ? { refreshToken: session.refreshToken, refreshTokenValidUntil: session.refreshTokenValidUntil }
        : {}),
      permissions: [...session.permissions],
    },
  });
  if (reply.ok && reply.value.delivered)
    return {
      outcome: 'delivered',
      referenceNumber: session.referenceNumber,
      withRefresh: session.refreshToken !== undefined,
    };
  // Not delivered (the page navigated) or refused by the extension: revoke at once (§5.2).
  await revoke(session.referenceNumber);
  return { outcome: 'not-delivered', referenceNumber: session.referenceNumber };
}

/**
 * "Revoke approval" in Settings (docs/wallet-extension-protocol.md §6, SECURITY.md T7): with the
 * passphrase re-entered (§4), the vault forgets its approval, the extension forgets its own, ends
 * the requests it covered, tells each ERP document holding a session `session-ended` (`revoked`)
 * and returns the sessions handed under it; the wallet revokes each at KSeF
 * (`DELETE /auth/sessions/{ref}`) and confirms with `sessions.revoked`. What cannot be revoked now
 * (offline) stays in the extension's pending list and is revoked by the next sweep.
 */
import type { EnvironmentId } from '../../../shared/ksef/transport-types.ts';
import { fail, ok, type Result } from '../../../shared/result.ts';
import type { HandoffVault } from './handoff-vault.ts';
import type { ExtensionCall } from './handoff-window.ts';

export type RevokeApprovalDeps = {
  readonly call: ExtensionCall;
  readonly vault: HandoffVault;
  readonly randomId: () => string;
};

export type RevokeApprovalInput = {
  readonly origin: string;
  readonly nip: string;
  readonly environment: EnvironmentId;
  readonly passphrase: string;
};

export type RevokeApprovalReport = {
  /** Sessions revoked at KSeF now. */
  readonly revoked: number;
  /** Sessions that still wait to be revoked at KSeF. */
  readonly pending: number;
};

export async function revokeApproval(
  deps: RevokeApprovalDeps,
  input: RevokeApprovalInput,
): Promise<Result<RevokeApprovalReport>> {
  if (input.passphrase.length === 0) return fail('INVALID_INPUT', { detail: 'passphrase required' });
  // The passphrase first: a wrong one changes nothing anywhere.
  const withdrawn = await deps.vault.withdrawHandoffApproval({
    origin: input.origin,
    nip: input.nip,
    environment: input.environment,
    passphrase: input.passphrase,
  });
  if (!withdrawn.ok) return { ok: false, error: withdrawn.error };

  const revoked = await deps.call('approvals.revoke', {
    origin: input.origin,
    nip: input.nip,
    environment: input.environment,
  });
  if (!revoked.ok) return revoked;
  const refs = revoked.value.sessions.map((s) => s.referenceNumber);
  if (refs.length === 0) return ok({ revoked: 0, pending: 0 });

  const atKsef = await deps.vault.revokeHandedSessions({
    operationId: deps.randomId(),
    referenceNumbers: refs,
  });
  const done = atKsef.ok ? atKsef.value.revoked : [];
  if (done.length > 0) await deps.call('sessions.revoked', { referenceNumbers: [...done] });
  return ok({ revoked: done.length, pending: refs.length - done.length });
}

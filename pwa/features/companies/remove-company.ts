/**
 * "Usuń firmę": the vault removes the company with its credentials, sessions, approvals and pending
 * work in one transaction. A company that holds credentials is removed only after the user
 * confirmed it (`needsConfirmation`); KSeF is not told — tokens and certificates stay valid there
 * until revoked, which the confirmation says.
 */
import type { VaultResult } from '../../vault/errors.ts';
import type { Vault } from '../../vault/vault-api.ts';

export function needsConfirmation(counts: { certificates: number; tokens: number }): boolean {
  return counts.certificates + counts.tokens > 0;
}

export function removeCompany(
  vault: Pick<Vault, 'removeCompany'>,
  companyId: string,
): Promise<VaultResult<{ removed: number }>> {
  return vault.removeCompany({ companyId });
}

/**
 * "Edytuj firmę" changes the name only: the NIP and the environment are bound into every sealed
 * credential of the company (SECURITY.md §3.5), so changing them would orphan its keys and tokens —
 * a different NIP or environment is a new company.
 */
import type { VaultResult } from '../../vault/errors.ts';
import type { CompanyView, Vault } from '../../vault/vault-api.ts';

export function renameCompany(
  vault: Pick<Vault, 'renameCompany'>,
  input: { companyId: string; name: string },
): Promise<VaultResult<CompanyView>> {
  return vault.renameCompany(input);
}

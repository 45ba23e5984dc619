/**
 * "Dodaj firmę": name, NIP (checksum checked here for an immediate message, and again by the vault)
 * and the environment — TEST, DEMO, PRD, or a custom sandbox the extension knows (its id only: the
 * page never takes a URL, SECURITY.md T6).
 */
import { checkNip, normalizeNip } from '../../../shared/domain/nip.ts';
import { isEnvironmentId } from '../../../shared/ksef/environments.ts';
import type { EnvironmentId } from '../../../shared/ksef/transport-types.ts';
import type { VaultResult } from '../../vault/errors.ts';
import type { CompanyView, Vault } from '../../vault/vault-api.ts';

export type CompanyFormProblem = 'name' | 'nip-length' | 'nip-checksum' | 'environment';

/** What is wrong with the typed values, field by field (empty when they can be saved). */
export function checkCompanyForm(input: {
  name: string;
  nip: string;
  environment: string;
}): Partial<Record<'name' | 'nip' | 'environment', CompanyFormProblem>> {
  const problems: Partial<Record<'name' | 'nip' | 'environment', CompanyFormProblem>> = {};
  if (input.name.trim().length === 0) problems.name = 'name';
  const nip = checkNip(normalizeNip(input.nip));
  if (nip === 'not-ten-digits') problems.nip = 'nip-length';
  else if (nip !== 'ok') problems.nip = 'nip-checksum';
  if (!isEnvironmentId(input.environment)) problems.environment = 'environment';
  return problems;
}

export async function addCompany(
  vault: Pick<Vault, 'addCompany'>,
  input: { name: string; nip: string; environment: EnvironmentId },
): Promise<VaultResult<CompanyView>> {
  return vault.addCompany({ name: input.name, nip: normalizeNip(input.nip), environment: input.environment });
}

/**
 * "Utwórz portfel": a new vault under the user's passphrase (Argon2id 64 MiB/t3/p4 in the key
 * worker, SECURITY.md §4). The passphrase floor is the vault's (≥ 10^14 estimated guesses or five
 * words); the page checks only that both entries match.
 */
import type { VaultResult } from '../../vault/errors.ts';
import type { Vault, VaultStatus } from '../../vault/vault-api.ts';

export type CreateVaultProblem = 'mismatch' | 'empty';

export async function createVault(
  vault: Pick<Vault, 'create'>,
  input: { passphrase: string; repeat: string; idleMinutes: number },
): Promise<VaultResult<VaultStatus> | { ok: false; problem: CreateVaultProblem }> {
  if (input.passphrase.length === 0) return { ok: false, problem: 'empty' };
  if (input.passphrase !== input.repeat) return { ok: false, problem: 'mismatch' };
  return vault.create({ passphrase: input.passphrase, idleMinutes: input.idleMinutes });
}

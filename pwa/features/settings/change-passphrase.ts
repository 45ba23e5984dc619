/**
 * "Zmień hasło portfela": the current passphrase, the new one twice. The vault rewraps its data key
 * only (one small atomic write) and refuses a new passphrase below the floor (SECURITY.md §4).
 */
import type { VaultResult } from '../../vault/errors.ts';
import type { Vault, VaultStatus } from '../../vault/vault-api.ts';

export async function changePassphrase(
  vault: Pick<Vault, 'changePassphrase'>,
  input: { current: string; next: string; repeat: string },
): Promise<VaultResult<VaultStatus> | { ok: false; problem: 'mismatch' | 'same' | 'empty' }> {
  if (!input.current || !input.next) return { ok: false, problem: 'empty' };
  if (input.next !== input.repeat) return { ok: false, problem: 'mismatch' };
  if (input.next === input.current) return { ok: false, problem: 'same' };
  return vault.changePassphrase({ current: input.current, next: input.next });
}

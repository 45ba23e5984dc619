/** Auto-lock after 5–240 minutes of inactivity (SECURITY.md §4); the vault checks the range too. */
import type { Vault } from '../../vault/vault-api.ts';

export const setAutoLock = (vault: Pick<Vault, 'setIdleMinutes'>, minutes: number) =>
  vault.setIdleMinutes(minutes);

/**
 * "Zablokuj": the key worker drops every key and access token, tells every page, and closes; every
 * PWA page then reloads (JS cannot zero memory — ending the contexts is the wipe, SECURITY.md §3.8).
 * `os-locked` is the extension's push when the screen locks (wired by the hand-off's wallet Port).
 */
import type { LockReason } from '../../../shared/domain/lock-policy.ts';
import type { Vault } from '../../vault/vault-api.ts';

export const lockWallet = (vault: Pick<Vault, 'lock'>, reason: LockReason = 'user') => vault.lock(reason);

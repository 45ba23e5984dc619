/** The "Default" column: the token the company logs in with (Active tokens only). */
import type { Vault } from '../../vault/vault-api.ts';

export const setDefaultToken = (vault: Pick<Vault, 'setDefaultToken'>, tokenId: string) =>
  vault.setDefaultToken({ tokenId });

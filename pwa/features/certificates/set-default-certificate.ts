/** The "Default" column: the certificate the company logs in with (Authentication type, retrieved, with its key). */
import type { Vault } from '../../vault/vault-api.ts';

export const setDefaultCertificate = (vault: Pick<Vault, 'setDefaultCertificate'>, certificateId: string) =>
  vault.setDefaultCertificate({ certificateId });

/**
 * "Zaloguj certyfikatem KSeF": the key worker unwraps the certificate's key (non-extractable, for
 * this one signature), signs the AuthTokenRequest for its own fresh challenge (XAdES, ECDSA as r‖s)
 * and logs in. Without `certificateId` the company's default certificate is used.
 */

import type { Wallet } from '../../app/wallet.ts';
import type { FlowCallOptions } from '../../flows/flow-client.ts';

export const logInWithCertificate = (
  w: Pick<Wallet, 'flows'>,
  companyId: string,
  certificateId?: string,
  o?: FlowCallOptions,
) => w.flows.call('loginWithCertificate', { companyId, ...(certificateId ? { certificateId } : {}) }, o);

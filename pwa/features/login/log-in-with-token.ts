/**
 * "Zaloguj tokenem KSeF": the key worker opens the token's sealed secret and encrypts
 * `token|timestampMs` of its own fresh challenge with KSeF's current public key (RSA-OAEP), then
 * logs in. Without `tokenId` the company's default token is used.
 */

import type { Wallet } from '../../app/wallet.ts';
import type { FlowCallOptions } from '../../flows/flow-client.ts';

export const logInWithToken = (
  w: Pick<Wallet, 'flows'>,
  companyId: string,
  tokenId?: string,
  o?: FlowCallOptions,
) => w.flows.call('loginWithToken', { companyId, ...(tokenId ? { tokenId } : {}) }, o);

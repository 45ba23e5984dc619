/** "Redeem access token": one-shot (REFERENCE §3.5); the tokens stay in the key worker, the page gets the session. */

import type { Wallet } from '../../app/wallet.ts';
import type { FlowCallOptions } from '../../flows/flow-client.ts';

export const redeemAccessToken = (w: Pick<Wallet, 'flows'>, referenceNumber: string, o?: FlowCallOptions) =>
  w.flows.call('redeemAccessToken', { referenceNumber }, o);

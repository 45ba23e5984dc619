/** Waits in the key worker until KSeF activates a new token (Pending → Active), then closes its write-ahead. */

import type { Wallet } from '../../app/wallet.ts';
import type { FlowCallOptions } from '../../flows/flow-client.ts';

export const awaitTokenActive = (w: Pick<Wallet, 'flows'>, tokenId: string, o?: FlowCallOptions) =>
  w.flows.call('awaitTokenActive', { tokenId }, o);

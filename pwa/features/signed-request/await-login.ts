/** Automatic polling (the default): status until final, then redeem once — the manual buttons stay. */

import type { Wallet } from '../../app/wallet.ts';
import type { FlowCallOptions } from '../../flows/flow-client.ts';

export const awaitLogin = (w: Pick<Wallet, 'flows'>, referenceNumber: string, o?: FlowCallOptions) =>
  w.flows.call('awaitLogin', { referenceNumber }, o);

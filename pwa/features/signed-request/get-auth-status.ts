/** "Get status" of a submitted login: one `GET /auth/{ref}` in the key worker (its operation token stays there). */

import type { Wallet } from '../../app/wallet.ts';
import type { FlowCallOptions } from '../../flows/flow-client.ts';

export const getAuthStatus = (w: Pick<Wallet, 'flows'>, referenceNumber: string, o?: FlowCallOptions) =>
  w.flows.call('getAuthStatus', { referenceNumber }, o);

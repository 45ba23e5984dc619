/** "Get public key certificates": KSeF's encryption certificates with their usage and validity. */

import type { Wallet } from '../../app/wallet.ts';
import type { FlowCallOptions } from '../../flows/flow-client.ts';

export const getPublicKeyCertificates = (w: Pick<Wallet, 'flows'>, companyId: string, o?: FlowCallOptions) =>
  w.flows.call('getPublicKeyCertificates', { companyId }, o);

/** The subject's enrollment and certificate limits at KSeF (`canRequest`, remaining / limit). */

import type { Wallet } from '../../app/wallet.ts';
import type { FlowCallOptions } from '../../flows/flow-client.ts';

export const getCertificateLimits = (w: Pick<Wallet, 'flows'>, companyId: string, o?: FlowCallOptions) =>
  w.flows.call('certificateLimits', { companyId }, o);

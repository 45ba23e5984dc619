/** The subject's certificates as KSeF lists them, with statuses; one revoked elsewhere stops logging in here too. */

import type { Wallet } from '../../app/wallet.ts';
import type { FlowCallOptions } from '../../flows/flow-client.ts';

export const queryKsefCertificates = (w: Pick<Wallet, 'flows'>, companyId: string, o?: FlowCallOptions) =>
  w.flows.call('queryKsefCertificates', { companyId }, o);

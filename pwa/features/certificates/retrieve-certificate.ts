/** "Retrieve": the issued certificate is fetched and stored with its key (the vault checks it is our key's). */

import type { Wallet } from '../../app/wallet.ts';
import type { FlowCallOptions } from '../../flows/flow-client.ts';

export const retrieveCertificate = (w: Pick<Wallet, 'flows'>, certificateId: string, o?: FlowCallOptions) =>
  w.flows.call('retrieveCertificate', { certificateId }, o);

/** "Unieważnij" a KSeF certificate (after the passphrase was re-entered; needs a session logged in with a signature). */

import type { Wallet } from '../../app/wallet.ts';
import type { FlowCallOptions } from '../../flows/flow-client.ts';

export type RevocationReason = 'Unspecified' | 'Superseded' | 'KeyCompromise';

export const revokeCertificate = (
  w: Pick<Wallet, 'flows'>,
  input: { companyId: string; serialNumber: string; reason: RevocationReason; passphrase: string },
  o?: FlowCallOptions,
) => w.flows.call('revokeKsefCertificate', input, o);

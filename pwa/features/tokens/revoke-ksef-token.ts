/** "Dezaktywuj": revokes the token at KSeF (after the passphrase was re-entered); the vault follows its status. */

import type { Wallet } from '../../app/wallet.ts';
import type { FlowCallOptions } from '../../flows/flow-client.ts';

export const revokeKsefToken = (
  w: Pick<Wallet, 'flows'>,
  input: { companyId: string; referenceNumber: string; passphrase: string },
  o?: FlowCallOptions,
) => w.flows.call('revokeKsefToken', input, o);

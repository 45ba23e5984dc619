/**
 * "Unieważnij" a session at KSeF: its refresh token stops at once; an access token already issued
 * lives until its `exp` (REFERENCE §3.7), which the screen says. A protective action, so it does not
 * ask for the passphrase.
 */

import type { Wallet } from '../../app/wallet.ts';
import type { FlowCallOptions } from '../../flows/flow-client.ts';

export const revokeSession = (
  w: Pick<Wallet, 'flows'>,
  input: { companyId: string; referenceNumber: string },
  o?: FlowCallOptions,
) => w.flows.call('revokeSession', input, o);

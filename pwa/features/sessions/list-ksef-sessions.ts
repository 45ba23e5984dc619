/** "Aktywne sesje w KSeF": the list from KSeF, current marked, with the wallet's record (ERP origin) beside each. */

import type { Wallet } from '../../app/wallet.ts';
import type { FlowCallOptions } from '../../flows/flow-client.ts';

export const listKsefSessions = (w: Pick<Wallet, 'flows'>, companyId: string, o?: FlowCallOptions) =>
  w.flows.call('listKsefSessions', { companyId }, o);

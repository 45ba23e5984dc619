/** "Get tokens": every token of the context from KSeF; the vault's clear copies follow KSeF's statuses. */

import type { Wallet } from '../../app/wallet.ts';
import type { FlowCallOptions } from '../../flows/flow-client.ts';

export const listKsefTokens = (w: Pick<Wallet, 'flows'>, companyId: string, o?: FlowCallOptions) =>
  w.flows.call('listKsefTokens', { companyId }, o);

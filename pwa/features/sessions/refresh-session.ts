/** "Odśwież": a new access token from the sealed refresh token (it stays in the key worker). */

import type { Wallet } from '../../app/wallet.ts';
import type { FlowCallOptions } from '../../flows/flow-client.ts';

export const refreshSession = (w: Pick<Wallet, 'flows'>, sessionId: string, o?: FlowCallOptions) =>
  w.flows.call('refreshSession', { sessionId }, o);

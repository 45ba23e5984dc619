/** "Get status" of an enrollment: one look at KSeF; a serial number means it can be retrieved. */

import type { Wallet } from '../../app/wallet.ts';
import type { FlowCallOptions } from '../../flows/flow-client.ts';

export const getEnrollmentStatus = (w: Pick<Wallet, 'flows'>, certificateId: string, o?: FlowCallOptions) =>
  w.flows.call('getEnrollmentStatus', { certificateId }, o);

/**
 * At start and after unlock: finish what a crash, a closed tab or a lost network left (tokens to
 * activate, orphans to revoke, certificates to retrieve), in the key worker (pending-flows.ts).
 */

import type { Wallet } from '../../app/wallet.ts';
import type { ResumeReport } from '../../flows/flow-api.ts';
import type { FlowCallOptions } from '../../flows/flow-client.ts';

export const resumePendingWork = (w: Pick<Wallet, 'flows'>, o?: FlowCallOptions) =>
  w.flows.call('resumePendingWork', {}, o);

/** Whether a report has anything worth telling the user. */
export const somethingResumed = (r: ResumeReport) =>
  r.tokensActivated +
    r.tokensFailed +
    r.orphansRevoked +
    r.certificatesRetrieved +
    r.enrollmentsRejected +
    r.waiting >
  0;

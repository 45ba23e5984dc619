/**
 * "Podpisz certyfikatem testowym" (TEST and sandboxes only): the key worker makes a throwaway
 * self-signed seal certificate for the company's NIP, signs the AuthTokenRequest for a challenge it
 * fetched itself, submits, polls, redeems and records the session — a newcomer's first session.
 */

import type { Wallet } from '../../app/wallet.ts';
import type { FlowCallOptions } from '../../flows/flow-client.ts';

export const logInWithTestCertificate = (w: Pick<Wallet, 'flows'>, companyId: string, o?: FlowCallOptions) =>
  w.flows.call('loginWithTestCertificate', { companyId }, o);

/**
 * "Zaloguj podpisanym żądaniem autoryzacyjnym": the picked file was already checked in the page
 * (check-signed-file.ts: precise messages); the key worker checks it again against the challenge it
 * keeps and submits the exact bytes (the signature covers the whitespace).
 */

import type { Wallet } from '../../app/wallet.ts';
import type { FlowCallOptions } from '../../flows/flow-client.ts';

export const submitSignedRequest = (
  w: Pick<Wallet, 'flows'>,
  requestId: string,
  file: Uint8Array,
  o?: FlowCallOptions,
) => w.flows.call('submitSignedRequest', { requestId, file }, o);

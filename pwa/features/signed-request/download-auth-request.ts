/**
 * "Pobierz żądanie autoryzacyjne": the key worker fetches a challenge (and keeps it) and builds the
 * unsigned AuthTokenRequest; the page saves it as a file for the user's signing tool. The XML holds
 * no secret (a challenge, the NIP); it never goes into a URL other than the local blob the browser
 * saves from.
 */

import type { Wallet } from '../../app/wallet.ts';
import type { FlowCallOptions } from '../../flows/flow-client.ts';

export async function downloadAuthRequest(w: Pick<Wallet, 'flows'>, companyId: string, o?: FlowCallOptions) {
  const r = await w.flows.call('prepareSignedRequest', { companyId }, o);
  if (r.ok) saveFile(r.value.fileName, new TextEncoder().encode(r.value.xml), 'application/xml');
  return r;
}

/** Saves bytes as a download (the browser's own "save file"). */
export function saveFile(fileName: string, bytes: Uint8Array, type: string): void {
  const url = URL.createObjectURL(new Blob([new Uint8Array(bytes)], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoked after the click has started the download.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

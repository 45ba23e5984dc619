/**
 * The ERP content script is declared for no site in the manifest: it is registered at run time
 * with `chrome.scripting.registerContentScripts` for exactly the origins the user enabled, in the
 * top frame only (SECURITY.md T8), so that the extension needs no `<all_urls>` at install.
 */
import { originMatchPattern } from '../../shared/protocol/erp-origin.ts';

/** Where WXT writes the `erp-login` content script entrypoint. */
export const ERP_CONTENT_SCRIPT_FILE = 'content-scripts/erp-login.js';
export const ERP_CONTENT_SCRIPT_ID = 'ksef-wallet-erp-login';

/** The subset of chrome.scripting used here. */
export type ScriptingLike = {
  getRegisteredContentScripts(filter?: { ids?: string[] }): Promise<{ id: string; matches?: string[] }[]>;
  registerContentScripts(
    scripts: {
      id: string;
      js: string[];
      matches: string[];
      allFrames: boolean;
      runAt: 'document_idle';
      persistAcrossSessions: boolean;
      world: 'ISOLATED';
    }[],
  ): Promise<void>;
  unregisterContentScripts(filter?: { ids?: string[] }): Promise<void>;
  executeScript(injection: {
    target: { tabId: number; frameIds: number[] };
    files: string[];
  }): Promise<unknown>;
};

/** Makes the registration match exactly `origins` (one registration, every enabled origin). */
export async function syncContentScript(scripting: ScriptingLike, origins: readonly string[]): Promise<void> {
  const wanted = [...new Set(origins.map(originMatchPattern))].sort();
  const current = await scripting.getRegisteredContentScripts({ ids: [ERP_CONTENT_SCRIPT_ID] });
  const have = [...(current[0]?.matches ?? [])].sort();
  if (current.length > 0 && have.join(' ') === wanted.join(' ')) return;
  if (current.length > 0) await scripting.unregisterContentScripts({ ids: [ERP_CONTENT_SCRIPT_ID] });
  if (wanted.length === 0) return;
  await scripting.registerContentScripts([
    {
      id: ERP_CONTENT_SCRIPT_ID,
      js: [ERP_CONTENT_SCRIPT_FILE],
      matches: wanted,
      allFrames: false,
      runAt: 'document_idle',
      persistAcrossSessions: true,
      world: 'ISOLATED',
    },
  ]);
}

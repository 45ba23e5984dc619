/**
 * "Enable on this site" in the popup. The popup asked `permissions.request` for the exact origin
 * during the user's click (only an extension page can); here the background checks that the
 * permission is really held, remembers the site in its own IndexedDB, registers the content script
 * for it, and injects it into the tab the user is looking at so that no reload is needed.
 */
import { originMatchPattern, parseErpOrigin } from '../../shared/protocol/erp-origin.ts';
import type { HandoffReplies } from '../../shared/protocol/handoff-messages.ts';
import type { Payloads } from '../../shared/protocol/messages.ts';
import { fail, ok, type Result } from '../../shared/result.ts';
import { ERP_CONTENT_SCRIPT_FILE, syncContentScript } from './content-script-registry.ts';
import type { ErpSiteContext } from './erp-site-context.ts';

export async function enableErpSite(
  ctx: ErpSiteContext,
  payload: Payloads['erp.enable'],
): Promise<Result<HandoffReplies['erp.enable']>> {
  const origin = parseErpOrigin(payload.origin, ctx.policy);
  if (origin === null) return fail('BAD_PARAMS', { detail: 'not an https origin' });
  if (origin === ctx.pwaOrigin) return fail('NOT_ALLOWED', { detail: 'the wallet is not an ERP' });
  if (!(await ctx.permissions.contains({ origins: [originMatchPattern(origin)] })))
    return fail('NOT_ALLOWED', { detail: 'host permission not granted' });
  await ctx.db.erpSites.put({ origin, enabledAt: ctx.now() });
  await syncContentScript(
    ctx.scripting,
    (await ctx.db.erpSites.toArray()).map((s) => s.origin),
  );
  await ctx.db.activity.add({ at: ctx.now(), event: 'site-enabled', origin });

  let injected = false;
  if (payload.tabId !== undefined && (await ctx.tabOrigin(payload.tabId)) === origin) {
    try {
      await ctx.scripting.executeScript({
        target: { tabId: payload.tabId, frameIds: [0] },
        files: [ERP_CONTENT_SCRIPT_FILE],
      });
      injected = true;
    } catch {
      // The tab navigated meanwhile; the registration covers its next load.
    }
  }
  return ok({ origin, injected });
}

/**
 * "Disable on this site": the content script no longer runs there, and the optional host
 * permission is given back. Approvals stay until the user revokes them in the wallet, which also
 * revokes their sessions at KSeF; a disabled site simply cannot ask any more.
 */
import { originMatchPattern } from '../../shared/protocol/erp-origin.ts';
import type { HandoffReplies } from '../../shared/protocol/handoff-messages.ts';
import type { Payloads } from '../../shared/protocol/messages.ts';
import { ok, type Result } from '../../shared/result.ts';
import { syncContentScript } from './content-script-registry.ts';
import type { ErpSiteContext } from './erp-site-context.ts';

export async function disableErpSite(
  ctx: ErpSiteContext,
  payload: Payloads['erp.disable'],
): Promise<Result<HandoffReplies['erp.disable']>> {
  const { origin } = payload;
  await ctx.db.erpSites.delete(origin);
  await syncContentScript(
    ctx.scripting,
    (await ctx.db.erpSites.toArray()).map((s) => s.origin),
  );
  await ctx.db.activity.add({ at: ctx.now(), event: 'site-disabled', origin });
  try {
    await ctx.permissions.remove({ origins: [originMatchPattern(origin)] });
  } catch {
    // Covered by an install-time permission (loopback in development builds): nothing to give back.
  }
  return ok({ origin });
}

/** The user removed host access in the browser's settings: those sites are disabled too. */
export async function dropSitesWithoutPermission(ctx: ErpSiteContext): Promise<string[]> {
  const dropped: string[] = [];
  for (const site of await ctx.db.erpSites.toArray()) {
    if (await ctx.permissions.contains({ origins: [originMatchPattern(site.origin)] })) continue;
    await ctx.db.erpSites.delete(site.origin);
    dropped.push(site.origin);
  }
  await syncContentScript(
    ctx.scripting,
    (await ctx.db.erpSites.toArray()).map((s) => s.origin),
  );
  return dropped;
}

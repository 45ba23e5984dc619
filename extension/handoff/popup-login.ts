/**
 * The popup's one-click "Log in to KSeF" for the active tab. The popup is trusted UI, but the
 * session must still reach the page's own document: the background hands the content script a
 * one-time intent, and the content script's `handoff.request` carrying it comes with the
 * browser-stamped documentId that the delivery then targets.
 */
import { contentEnvelope } from '../../shared/protocol/content-messages.ts';
import type { HandoffReplies } from '../../shared/protocol/handoff-messages.ts';
import type { Payloads } from '../../shared/protocol/messages.ts';
import { fail, ok, type Result } from '../../shared/result.ts';
import type { HandoffContext } from './handoff-context.ts';
import { HANDOFF_TIMEOUTS } from './request-handoff.ts';

export async function popupLogin(
  ctx: HandoffContext,
  payload: Payloads['popup.login'],
): Promise<Result<HandoffReplies['popup.login']>> {
  const origin = await ctx.platform.tabOrigin(payload.tabId);
  if (origin === null || !(await ctx.db.erpSites.get(origin))) return fail('SITE_NOT_ENABLED');
  const intentId = ctx.platform.randomId();
  ctx.intents.set(intentId, {
    tabId: payload.tabId,
    nip: payload.nip,
    environment: payload.environment,
    expiresAt: ctx.platform.now() + HANDOFF_TIMEOUTS.INTENT_MS,
  });
  const answer = await ctx.platform.sendToTopFrame(
    payload.tabId,
    contentEnvelope({
      kind: 'cs.popup-login',
      intentId,
      nip: payload.nip,
      environment: payload.environment,
    }),
  );
  const pageReady =
    typeof answer === 'object' && answer !== null && (answer as { accepted?: unknown }).accepted === true;
  if (!pageReady) ctx.intents.delete(intentId);
  return ok({ pageReady });
}

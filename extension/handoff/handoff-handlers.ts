/**
 * The hand-off kinds in the router's table, each with the sender classes that may send it
 * (SECURITY.md T5): ERP content scripts get `handoff.request` and nothing else; the wallet gets
 * the wallet kinds; our popup and options pages manage ERP sites. Everything else is NOT_ALLOWED.
 */
import { fail } from '../../shared/result.ts';
import { disableErpSite } from '../erp-sites/disable-erp-site.ts';
import { enableErpSite } from '../erp-sites/enable-erp-site.ts';
import type { ErpSiteContext } from '../erp-sites/erp-site-context.ts';
import type { Handlers } from '../router/route.ts';
import { clearRefusals } from './clear-refusals.ts';
import { completeHandoff } from './complete-handoff.ts';
import { confirmRevocations } from './confirm-revocations.ts';
import { getHandoff } from './get-handoff.ts';
import type { HandoffContext } from './handoff-context.ts';
import { listActivity } from './list-activity.ts';
import { listApprovals } from './list-approvals.ts';
import { notifySession } from './notify-session.ts';
import { popupLogin } from './popup-login.ts';
import { requestHandoff } from './request-handoff.ts';
import { revokeApproval } from './revoke-approval.ts';
import { storeSnapshot, walletState } from './wallet-events.ts';

/**
 * One hand-off use case at a time: the budget checks read the pending requests and then write
 * one, so two clicks arriving together must not both pass "one in flight per origin".
 */
export function createSerialQueue() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task, task);
    tail = run.catch(() => {});
    return run;
  };
}

export function createHandoffHandlers(
  ctx: HandoffContext,
  sites: ErpSiteContext,
  serial = createSerialQueue(),
): Handlers {
  return {
    'wallet.state': {
      from: ['pwa'],
      run: async (msg, from) => walletState(ctx, from.kind === 'pwa' ? from.tabId : undefined, msg.payload),
    },
    'wallet.snapshot': { from: ['pwa'], run: (msg) => serial(() => storeSnapshot(ctx, msg.payload)) },
    'handoff.get': { from: ['pwa'], run: (msg) => serial(() => getHandoff(ctx, msg.payload)) },
    'handoff.complete': { from: ['pwa'], run: (msg) => serial(() => completeHandoff(ctx, msg.payload)) },
    'handoff.notify': { from: ['pwa'], run: (msg) => serial(() => notifySession(ctx, msg.payload)) },
    'approvals.list': { from: ['pwa'], run: () => serial(() => listApprovals(ctx)) },
    'approvals.revoke': { from: ['pwa'], run: (msg) => serial(() => revokeApproval(ctx, msg.payload)) },
    'refusals.clear': { from: ['pwa'], run: (msg) => serial(() => clearRefusals(ctx, msg.payload)) },
    'sessions.revoked': { from: ['pwa'], run: (msg) => serial(() => confirmRevocations(ctx, msg.payload)) },
    'activity.list': { from: ['pwa'], run: (msg) => serial(() => listActivity(ctx, msg.payload)) },
    'handoff.request': {
      from: ['content-script'],
      run: (msg, from) =>
        from.kind === 'content-script'
          ? serial(() => requestHandoff(ctx, msg.payload, from))
          : Promise.resolve(fail('NOT_ALLOWED')),
    },
    'erp.enable': { from: ['extension-page'], run: (msg) => serial(() => enableErpSite(sites, msg.payload)) },
    'erp.disable': {
      from: ['extension-page'],
      run: (msg) => serial(() => disableErpSite(sites, msg.payload)),
    },
    'popup.login': { from: ['extension-page'], run: (msg) => serial(() => popupLogin(ctx, msg.payload)) },
  };
}

/**
 * "Every hand-off is in the activity log": the extension's hand-off log (`activity.list`:
 * requested, approved, delivered, refused, revoked…, docs/wallet-extension-protocol.md §6) merged
 * with the wallet's own entries about hand-offs (the KSeF logins it made for an ERP origin, the
 * sessions it closed, the approvals it stored and removed) into one list, newest first. Neither
 * source carries a token; entries keep only origins, NIPs, reference numbers and codes.
 */
import type { EnvironmentId } from '../../../shared/ksef/transport-types.ts';
import type { ActivityEntry, ActivityEvent } from '../../../shared/protocol/handoff-messages.ts';
import type { ActivityView, CompanyView } from '../../vault/vault-api.ts';
import type { HandoffStringKey } from './handoff-strings.ts';

export type HandoffActivityItem = {
  readonly key: string;
  readonly at: number;
  readonly source: 'wallet' | 'extension';
  readonly label: HandoffStringKey;
  readonly origin?: string;
  readonly nip?: string;
  readonly environment?: EnvironmentId;
  readonly companyName?: string;
  readonly referenceNumber?: string;
  readonly code?: string;
  /** Refused clicks one 'blocked' entry stands for (the extension logs them once a minute). */
  readonly count?: number;
};

const EVENT_LABELS: Readonly<Record<ActivityEvent, HandoffStringKey>> = Object.freeze({
  requested: 'evRequested',
  'wallet-asked': 'evWalletAsked',
  'window-opened': 'evWindowOpened',
  approved: 'evApproved',
  refused: 'evRefused',
  delivered: 'evDelivered',
  'not-delivered': 'evNotDelivered',
  failed: 'evFailed',
  cancelled: 'evCancelled',
  expired: 'evExpired',
  blocked: 'evBlocked',
  refreshed: 'evRefreshed',
  ended: 'evEnded',
  revoked: 'evRevoked',
  'site-enabled': 'evSiteEnabled',
  'site-disabled': 'evSiteDisabled',
});

const str = (x: unknown): string | undefined => (typeof x === 'string' && x.length > 0 ? x : undefined);

export function mergeHandoffActivity(
  extension: readonly ActivityEntry[],
  wallet: readonly ActivityView[],
  companies: readonly CompanyView[],
  limit = 200,
): HandoffActivityItem[] {
  const byId = new Map(companies.map((c) => [c.id, c]));
  const byNip = new Map(companies.map((c) => [`${c.environment}|${c.nip}`, c]));
  const items: HandoffActivityItem[] = [];

  for (const e of extension) {
    const company =
      e.nip !== undefined && e.environment !== undefined ? byNip.get(`${e.environment}|${e.nip}`) : undefined;
    items.push({
      key: `x${e.id}-${e.at}`,
      at: e.at,
      source: 'extension',
      label: EVENT_LABELS[e.event] ?? 'evFailed',
      origin: e.origin,
      ...(e.nip !== undefined ? { nip: e.nip } : {}),
      ...(e.environment !== undefined ? { environment: e.environment } : {}),
      ...(company ? { companyName: company.name } : {}),
      ...(e.referenceNumber !== undefined ? { referenceNumber: e.referenceNumber } : {}),
      ...(e.code !== undefined ? { code: e.code } : {}),
      ...(e.count !== undefined && e.count > 1 ? { count: e.count } : {}),
    });
  }

  // Reference numbers of the sessions the wallet minted for an ERP: their endings belong here too.
  const handed = new Set<string>();
  for (const w of wallet)
    if (w.kind === 'login' && w.actor !== 'user') {
      const ref = str(w.detail.referenceNumber);
      if (ref) handed.add(ref);
    }

  for (const w of wallet) {
    const company = w.companyId ? byId.get(w.companyId) : undefined;
    const ref = str(w.detail.referenceNumber);
    let label: HandoffStringKey | undefined;
    let origin: string | undefined;
    if (w.kind === 'login' && w.actor !== 'user') {
      label = 'evLogin';
      origin = w.actor;
    } else if (w.kind === 'session-ended' && ref && handed.has(ref)) {
      label = 'evSessionEnded';
    } else if (w.kind === 'approval-granted') {
      label = 'evApprovalGranted';
      origin = str(w.detail.origin);
    } else if (w.kind === 'approval-revoked') {
      label = 'evApprovalRevoked';
      origin = str(w.detail.origin);
    }
    if (!label) continue;
    items.push({
      key: `w${w.seq}`,
      at: w.at,
      source: 'wallet',
      label,
      ...(origin ? { origin } : {}),
      ...(company ? { nip: company.nip, environment: company.environment, companyName: company.name } : {}),
      ...(ref ? { referenceNumber: ref } : {}),
    });
  }

  return items.sort((a, b) => b.at - a.at || a.key.localeCompare(b.key)).slice(0, limit);
}

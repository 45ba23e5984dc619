/**
 * The extension's own IndexedDB (extension origin). Settings whose integrity matters live here,
 * not in chrome.storage.local, because content scripts can read and write that area
 * (SECURITY.md §3.9). No key material and no KSeF token is ever stored by the extension
 * (SECURITY.md T2): hand-off records keep reference numbers and times, never tokens.
 */
import Dexie, { type EntityTable } from 'dexie';
import type { CustomEnvironmentId, EnvironmentId } from '../../shared/ksef/transport-types.ts';
import type { Grant } from '../../shared/protocol/handoff-fields.ts';
import type { ActivityEvent } from '../../shared/protocol/handoff-messages.ts';
import type { StatusSnapshot } from '../../shared/protocol/status-snapshot.ts';

export type CustomEnvironmentRow = {
  readonly id: CustomEnvironmentId;
  readonly label: string;
  /** Normalized by parseCustomBaseUrl: http, loopback host, explicit port, path /v2. */
  readonly baseUrl: string;
  readonly addedAt: number;
};

/** An exact origin on which the user turned the "Log in to KSeF" button on (content script registered). */
export type ErpSiteRow = { readonly origin: string; readonly enabledAt: number };

/** The user's approval of hand-offs to one exact origin for one company in one environment. */
export type ApprovalRow = {
  readonly origin: string;
  readonly nip: string;
  readonly environment: EnvironmentId;
  readonly grant: Grant;
  readonly credentialsConfirmed: boolean;
  readonly decidedAt: number;
  readonly lastUsedAt?: number;
};

/** A refusal starts a quiet period: no new prompt for this origin and company (or '*': any). */
export type RefusalRow = {
  readonly origin: string;
  readonly nip: string;
  readonly environment: EnvironmentId | '*';
  readonly refusedAt: number;
};

/** A session handed to an ERP document: what revoking the approval must revoke at KSeF. No token. */
export type HandedSessionRow = {
  readonly referenceNumber: string;
  readonly handoffId: string;
  readonly origin: string;
  readonly nip: string;
  readonly environment: EnvironmentId;
  readonly tabId: number;
  readonly documentId: string;
  readonly handedAt: number;
  readonly accessTokenValidUntil: string;
  readonly withRefresh: boolean;
  readonly endsAt: number;
  readonly revocation: 'none' | 'pending' | 'done';
};

/** A hand-off request between the click and the wallet's answer (kept here so it survives a worker restart). */
export type PendingHandoffRow = {
  readonly handoffId: string;
  readonly origin: string;
  readonly tabId: number;
  readonly documentId: string;
  readonly nip?: string;
  readonly environment?: EnvironmentId;
  readonly wantRefresh: boolean;
  readonly trigger: 'button' | 'popup';
  readonly requestedAt: number;
  readonly expiresAt: number;
  readonly stage: 'wallet' | 'window';
  /** The wallet tab asked to mint silently (stage 'wallet'). */
  readonly walletTabId?: number;
  /** The wallet window we opened (stage 'window'); closing it cancels the request. */
  readonly windowId?: number;
};

export type ActivityRow = {
  readonly id?: number;
  readonly at: number;
  readonly event: ActivityEvent;
  readonly origin: string;
  readonly nip?: string;
  readonly environment?: EnvironmentId;
  readonly handoffId?: string;
  readonly referenceNumber?: string;
  readonly code?: string;
  /**
   * For 'blocked': how many refused clicks this row stands for. Refused clicks of one origin and
   * code are logged once a minute with a count, so a page that is refused over and over cannot
   * push the rest of the log out (SECURITY.md T12).
   */
  readonly count?: number;
  /** For 'blocked': the last refused click counted in this row (`at` is the first). */
  readonly lastAt?: number;
};

/**
 * A hand-off the wallet was asked to serve (a silent mint or a wallet window: each may become a
 * KSeF login), what the budgets of SECURITY.md §4 count. Kept apart from the activity log, which
 * is trimmed by size: rows here go only once they are older than the budget window.
 */
export type DispatchRow = {
  readonly handoffId: string;
  readonly at: number;
  readonly origin: string;
  readonly nip?: string;
  readonly environment?: EnvironmentId;
};

export type SnapshotRow = {
  readonly id: 'current';
  readonly snapshot: StatusSnapshot;
  readonly storedAt: number;
};

export class ExtensionDb extends Dexie {
  environments!: EntityTable<CustomEnvironmentRow, 'id'>;
  erpSites!: EntityTable<ErpSiteRow, 'origin'>;
  approvals!: Dexie.Table<ApprovalRow, [string, string, string]>;
  refusals!: Dexie.Table<RefusalRow, [string, string, string]>;
  handedSessions!: EntityTable<HandedSessionRow, 'referenceNumber'>;
  pendingHandoffs!: EntityTable<PendingHandoffRow, 'handoffId'>;
  activity!: EntityTable<ActivityRow, 'id'>;
  dispatches!: EntityTable<DispatchRow, 'handoffId'>;
  snapshot!: EntityTable<SnapshotRow, 'id'>;
  constructor(name = 'ksef-wallet-extension', options?: ConstructorParameters<typeof Dexie>[1]) {
    super(name, options);
    this.version(1).stores({ environments: 'id' });
    this.version(2).stores({
      erpSites: 'origin',
      approvals: '[origin+nip+environment], origin',
      refusals: '[origin+nip+environment], origin',
      handedSessions: 'referenceNumber, origin, [origin+nip+environment], revocation',
      pendingHandoffs: 'handoffId, origin',
      activity: '++id, at, origin',
      snapshot: 'id',
    });
    // Version 3: the budgets' dispatches get their own store (they were counted from the activity
    // log, whose size-based trimming a flood of refused clicks could use to erase them), and
    // 'blocked' rows are found by origin and code to be counted instead of repeated.
    this.version(3)
      .stores({
        activity: '++id, at, origin, [origin+event+code]',
        dispatches: 'handoffId, at',
      })
      .upgrade(async (tx) => {
        // Carry the dispatches the activity log still holds over, so that an update does not hand
        // a page a fresh budget. Rows older than the window go at the next dispatch.
        const seen = new Set<string>();
        const carried: DispatchRow[] = [];
        await tx
          .table<ActivityRow, number>('activity')
          .orderBy('id')
          .each((r) => {
            if (r.event !== 'wallet-asked' && r.event !== 'window-opened') return;
            if (r.handoffId === undefined || seen.has(r.handoffId)) return;
            seen.add(r.handoffId);
            carried.push({
              handoffId: r.handoffId,
              at: r.at,
              origin: r.origin,
              ...(r.nip !== undefined ? { nip: r.nip } : {}),
              ...(r.environment !== undefined ? { environment: r.environment } : {}),
            });
          });
        await tx.table<DispatchRow, string>('dispatches').bulkAdd(carried);
      });
  }
}

let db: ExtensionDb | undefined;
export const extensionDb = (): ExtensionDb => {
  db ??= new ExtensionDb();
  return db;
};

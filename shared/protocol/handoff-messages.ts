/**
 * Message kinds of the session hand-off (docs/wallet-extension-protocol.md): between the wallet
 * (PWA origin), the extension's own pages (popup), our content script in ERP pages, and the
 * background. They join the typed map of messages.ts; who may send which kind is decided by the
 * background's per-sender allowlist, not here.
 */
import * as v from 'valibot';
import type { EnvironmentId } from '../ksef/transport-types.ts';
import { ERROR_CODES } from '../result.ts';
import {
  ApprovalDecisionSchema,
  EnvironmentIdSchema,
  EpochMsSchema,
  ErpOriginSchema,
  type Grant,
  HandedSessionSchema,
  HandoffIdSchema,
  IsoDateTimeSchema,
  JwtSchema,
  NipSchema,
  ReferenceNumberSchema,
  TabIdSchema,
} from './handoff-fields.ts';
import { StatusSnapshotSchema } from './status-snapshot.ts';

export const SESSION_END_REASONS = ['expired', 'wallet-locked', 'revoked', 'limit', 'logged-out'] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

export const HANDOFF_PAYLOAD_SCHEMAS = {
  // ── wallet (PWA) → background ──────────────────────────────────────────────────────────────
  /** Lock state and its expiry, nothing else (SECURITY.md T2). Sent on every change and as a heartbeat. */
  'wallet.state': v.strictObject({
    locked: v.boolean(),
    /** When this window's vault locks at the latest (auto-lock or the 12 h cap); absent when locked. */
    unlockedUntil: v.optional(EpochMsSchema),
  }),
  /** The non-secret status snapshot for the popup. */
  'wallet.snapshot': v.strictObject({ snapshot: StatusSnapshotSchema }),
  /** The details of a hand-off request, for the wallet window opened at `#/handoff/<handoffId>`. */
  'handoff.get': v.strictObject({ handoffId: HandoffIdSchema }),
  /** The wallet's answer to one hand-off request. */
  'handoff.complete': v.variant('outcome', [
    v.strictObject({
      handoffId: HandoffIdSchema,
      outcome: v.literal('session'),
      session: HandedSessionSchema,
      /** Present when the user has just approved this origin and company in the wallet window. */
      decision: v.optional(ApprovalDecisionSchema),
    }),
    /** The user refused: no session, and 24 h without new prompts for this origin and company. */
    v.strictObject({ handoffId: HandoffIdSchema, outcome: v.literal('refused') }),
    /** The user closed the dialog without deciding. */
    v.strictObject({ handoffId: HandoffIdSchema, outcome: v.literal('cancelled') }),
    /** A silent mint is not possible (locked, approval to re-confirm): open a wallet window. */
    v.strictObject({ handoffId: HandoffIdSchema, outcome: v.literal('needs-user') }),
    v.strictObject({
      handoffId: HandoffIdSchema,
      outcome: v.literal('failed'),
      error: v.strictObject({
        code: v.picklist(ERROR_CODES),
        ksefCode: v.optional(v.pipe(v.number(), v.integer())),
        retryAfterMs: v.optional(EpochMsSchema),
      }),
    }),
  ]),
  /** Later news about a handed session, for the ERP document that received it. */
  'handoff.notify': v.variant('notice', [
    v.strictObject({
      referenceNumber: ReferenceNumberSchema,
      notice: v.literal('refreshed'),
      accessToken: JwtSchema,
      accessTokenValidUntil: IsoDateTimeSchema,
    }),
    v.strictObject({
      referenceNumber: ReferenceNumberSchema,
      notice: v.literal('ended'),
      reason: v.picklist(SESSION_END_REASONS),
    }),
  ]),
  /** Approvals (origin + NIP + environment), refusals and the sessions handed under each. */
  'approvals.list': v.strictObject({}),
  /** Revoke one approval (or forget one refusal); the reply lists the sessions to revoke at KSeF. */
  'approvals.revoke': v.strictObject({
    origin: ErpOriginSchema,
    nip: NipSchema,
    environment: EnvironmentIdSchema,
  }),
  /** Forget every refusal recorded for an origin (the 24 h quiet period ends now). */
  'refusals.clear': v.strictObject({ origin: ErpOriginSchema }),
  /** The wallet revoked these sessions at KSeF (`DELETE /auth/sessions/{referenceNumber}`). */
  'sessions.revoked': v.strictObject({
    referenceNumbers: v.pipe(v.array(ReferenceNumberSchema), v.minLength(1), v.maxLength(500)),
  }),
  /** The extension's hand-off activity, for the wallet's activity log. */
  'activity.list': v.strictObject({
    since: v.optional(EpochMsSchema),
    limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1000))),
  }),

  // ── our content script in an ERP page → background ─────────────────────────────────────────
  /** The user clicked "Log in to KSeF" (or chose it in the popup) in this document. */
  'handoff.request': v.strictObject({
    nip: v.optional(NipSchema),
    environment: v.optional(EnvironmentIdSchema),
    wantRefresh: v.boolean(),
    trigger: v.picklist(['button', 'popup']),
    /** For trigger 'popup': the one-time intent the background gave the content script. */
    intentId: v.optional(HandoffIdSchema),
  }),

  // ── popup → background ─────────────────────────────────────────────────────────────────────
  /** After `permissions.request` granted the origin: register the content script there. */
  'erp.enable': v.strictObject({ origin: ErpOriginSchema, tabId: v.optional(TabIdSchema) }),
  'erp.disable': v.strictObject({ origin: ErpOriginSchema }),
  /** One-click login from the popup for the active tab's page. */
  'popup.login': v.strictObject({ tabId: TabIdSchema, nip: NipSchema, environment: EnvironmentIdSchema }),
} as const;

export type HandoffStage = 'wallet' | 'window';

export type HandedSessionView = {
  readonly referenceNumber: string;
  readonly origin: string;
  readonly nip: string;
  readonly environment: EnvironmentId;
  readonly handedAt: number;
  readonly accessTokenValidUntil: string;
  readonly withRefresh: boolean;
  /** The wallet stops refreshing for the ERP at this time and revokes the session (10 h / 24 h caps). */
  readonly endsAt: number;
  readonly revocation: 'none' | 'pending' | 'done';
};

export type ApprovalView = {
  readonly origin: string;
  readonly nip: string;
  readonly environment: EnvironmentId;
  readonly grant: Grant;
  readonly credentialsConfirmed: boolean;
  readonly decidedAt: number;
  readonly lastUsedAt?: number;
};

export type RefusalView = {
  readonly origin: string;
  /** '*' when the user refused before a company was chosen: the whole origin is quiet. */
  readonly nip: string;
  readonly environment: EnvironmentId | '*';
  readonly refusedAt: number;
  readonly quietUntil: number;
};

export type HandoffView = {
  readonly handoffId: string;
  readonly origin: string;
  readonly nip?: string;
  readonly environment?: EnvironmentId;
  readonly wantRefresh: boolean;
  readonly trigger: 'button' | 'popup';
  readonly requestedAt: number;
  readonly expiresAt: number;
  /** The approval that already covers this request, or null: then the wallet asks the user. */
  readonly approval: ApprovalView | null;
};

export const ACTIVITY_EVENTS = [
  'requested',
  'wallet-asked',
  'window-opened',
  'approved',
  'refused',
  'delivered',
  'not-delivered',
  'failed',
  'cancelled',
  'expired',
  'blocked',
  'refreshed',
  'ended',
  'revoked',
  'site-enabled',
  'site-disabled',
] as const;
export type ActivityEvent = (typeof ACTIVITY_EVENTS)[number];

export type ActivityEntry = {
  readonly id: number;
  readonly at: number;
  readonly event: ActivityEvent;
  readonly origin: string;
  readonly nip?: string;
  readonly environment?: EnvironmentId;
  readonly handoffId?: string;
  readonly referenceNumber?: string;
  /** An error code (shared/result.ts) for failures and blocks. */
  readonly code?: string;
  /** For 'blocked': the refused clicks of this origin and code this entry counts (one entry a minute). */
  readonly count?: number;
  /** For 'blocked': when the last of them came (`at` is the first). */
  readonly lastAt?: number;
};

export type HandoffReplies = {
  'wallet.state': { readonly received: true };
  'wallet.snapshot': { readonly storedAt: number };
  'handoff.get': HandoffView;
  'handoff.complete': { readonly delivered: boolean };
  'handoff.notify': { readonly delivered: boolean; readonly stopRefreshing: boolean };
  'approvals.list': {
    readonly approvals: readonly (ApprovalView & { readonly sessions: readonly HandedSessionView[] })[];
    readonly refusals: readonly RefusalView[];
    /** Sessions of revoked approvals (or past their cap) that the wallet has not yet revoked at KSeF. */
    readonly pendingRevocations: readonly HandedSessionView[];
  };
  'approvals.revoke': { readonly sessions: readonly HandedSessionView[] };
  'refusals.clear': { readonly cleared: number };
  'sessions.revoked': { readonly updated: number };
  'activity.list': { readonly entries: readonly ActivityEntry[] };
  'handoff.request': { readonly handoffId: string; readonly stage: HandoffStage };
  'erp.enable': { readonly origin: string; readonly injected: boolean };
  'erp.disable': { readonly origin: string };
  'popup.login': { readonly pageReady: boolean };
};

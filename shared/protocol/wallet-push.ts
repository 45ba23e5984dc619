/**
 * Messages the background pushes to the wallet over the long-lived Port the wallet opened with
 * `chrome.runtime.connect(EXTENSION_ID, { name: WALLET_PORT_NAME })` (docs/wallet-extension-protocol.md).
 * Requests carry `kind`, replies carry `ok`; a push carries `push`, so the three never mix up.
 * The wallet validates every push with `parsePush` before acting on it.
 */
import * as v from 'valibot';
import { fail, ok, type Result } from '../result.ts';
import { PROTOCOL, PROTOCOL_VERSION } from './constants.ts';
import {
  EnvironmentIdSchema,
  EpochMsSchema,
  ErpOriginSchema,
  GRANTS,
  HandoffIdSchema,
  NipSchema,
} from './handoff-fields.ts';
import { issueDetail } from './issue-detail.ts';

/** The Port name; a Port with another name is disconnected at once. */
export const WALLET_PORT_NAME = 'ksef-wallet/v1';

export const PUSH_SCHEMAS = {
  /**
   * Mint a fresh KSeF session for an approved origin and company and answer with
   * `handoff.complete` — silently when the vault is unlocked, else answer `needs-user`.
   */
  'handoff.mint': v.strictObject({
    handoffId: HandoffIdSchema,
    origin: ErpOriginSchema,
    nip: NipSchema,
    environment: EnvironmentIdSchema,
    wantRefresh: v.boolean(),
    grant: v.picklist(GRANTS),
    credentialsConfirmed: v.boolean(),
    expiresAt: EpochMsSchema,
  }),
  /** The request is over without the wallet's answer (timeout, the ERP document went away, revoked). */
  'handoff.cancelled': v.strictObject({
    handoffId: HandoffIdSchema,
    reason: v.picklist(['timeout', 'document-gone', 'window-closed', 'revoked']),
  }),
  /** The operating system's screen was locked (chrome.idle 'locked'): lock the vault now. */
  'os.locked': v.strictObject({}),
  /** Approvals or refusals changed (a hand-off was approved, revoked, refused): re-read `approvals.list`. */
  'approvals.changed': v.strictObject({}),
} as const;

export type PushKind = keyof typeof PUSH_SCHEMAS;
export type PushPayloads = { [K in PushKind]: v.InferOutput<(typeof PUSH_SCHEMAS)[K]> };
export type Push<K extends PushKind = PushKind> = {
  readonly protocol: typeof PROTOCOL;
  readonly v: typeof PROTOCOL_VERSION;
  readonly id: string;
  readonly push: K;
  readonly payload: PushPayloads[K];
};

const PushOuterSchema = v.strictObject({
  protocol: v.literal(PROTOCOL),
  v: v.literal(PROTOCOL_VERSION),
  id: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{8,64}$/)),
  push: v.picklist(Object.keys(PUSH_SCHEMAS) as [PushKind, ...PushKind[]]),
  payload: v.unknown(),
});

export function makePush<K extends PushKind>(push: K, payload: PushPayloads[K], id: string): Push<K> {
  return { protocol: PROTOCOL, v: PROTOCOL_VERSION, id, push, payload };
}

/** For the wallet: a push from the background, strictly validated (unknown keys refused). */
export function parsePush(raw: unknown): Result<Push> {
  const outer = v.safeParse(PushOuterSchema, raw);
  if (!outer.success) return fail('BAD_MESSAGE', { detail: issueDetail(outer.issues, 'push') });
  const kind = outer.output.push;
  const payload = v.safeParse(PUSH_SCHEMAS[kind], outer.output.payload);
  if (!payload.success)
    return fail('BAD_MESSAGE', { detail: `${kind}: ${issueDetail(payload.issues, 'payload')}` });
  return ok({ ...outer.output, push: kind, payload: payload.output } as Push);
}

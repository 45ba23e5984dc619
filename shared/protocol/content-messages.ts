/**
 * Messages from the extension (background, popup) to our content script in an ERP page. The
 * background sends them with `tabs.sendMessage(tabId, msg, { documentId })`, so a navigation
 * between the click and the delivery delivers nothing (SECURITY.md T5). The content script checks
 * the sender (our extension, no tab) and then the shape with `readContentMessage`.
 *
 * Dependency-free (STYLE.md §2): this is bundled into the content script, which stays small.
 */
import { PROTOCOL, PROTOCOL_VERSION } from './constants.ts';
import {
  isPageEnvironment,
  isPageNip,
  PAGE_ERROR_CODES,
  PAGE_STATUS_STATES,
  type PageErrorCode,
  type PageSession,
  type PageStatusState,
} from './erp-page-protocol.ts';

export type ContentMessage =
  | { readonly kind: 'cs.deliver'; readonly handoffId: string; readonly session: PageSession }
  | {
      readonly kind: 'cs.failed';
      readonly handoffId: string;
      readonly code: PageErrorCode;
      readonly retryAfterSeconds?: number;
    }
  | { readonly kind: 'cs.progress'; readonly handoffId: string; readonly state: PageStatusState }
  | {
      readonly kind: 'cs.refreshed';
      readonly referenceNumber: string;
      readonly accessToken: string;
      readonly accessTokenValidUntil: string;
    }
  | { readonly kind: 'cs.ended'; readonly referenceNumber: string; readonly reason: string }
  /** The popup's one-click login: the content script answers with a `handoff.request` carrying the intent. */
  | {
      readonly kind: 'cs.popup-login';
      readonly intentId: string;
      readonly nip: string;
      readonly environment: string;
    }
  /** The popup asks whether this page said hello (and for which company). */
  | { readonly kind: 'cs.status' };

export type ContentEnvelope = {
  readonly protocol: typeof PROTOCOL;
  readonly v: typeof PROTOCOL_VERSION;
} & ContentMessage;

export type ContentStatusReply = {
  readonly ready: boolean;
  readonly want: { readonly nip?: string; readonly environment?: string } | null;
};

export const contentEnvelope = (m: ContentMessage): ContentEnvelope => ({
  protocol: PROTOCOL,
  v: PROTOCOL_VERSION,
  ...m,
});

const ID = /^[A-Za-z0-9_-]{22,64}$/;
const REF = /^\d{8}-[A-Z]{2}-[0-9A-F]{10}-[0-9A-F]{10}-[0-9A-F]{2}$/;
const JWT = /^[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})$/;
const REASON = /^[a-z-]{1,32}$/;

type Rec = Record<string, unknown>;
const str =
  (re: RegExp, max = 8192) =>
  (x: unknown) =>
    typeof x === 'string' && x.length <= max && re.test(x);
const isId = str(ID);
const isRef = str(REF);
const isJwt = str(JWT);
const isIso = str(ISO);

const FIELDS: { readonly [K in ContentMessage['kind']]: Readonly<Record<string, (x: unknown) => boolean>> } =
  {
    'cs.deliver': { handoffId: isId, session: (x) => readSession(x) !== null },
    'cs.failed': {
      handoffId: isId,
      code: (x) => (PAGE_ERROR_CODES as readonly unknown[]).includes(x),
      retryAfterSeconds: (x) => x === undefined || (Number.isInteger(x) && (x as number) >= 0),
    },
    'cs.progress': { handoffId: isId, state: (x) => (PAGE_STATUS_STATES as readonly unknown[]).includes(x) },
    'cs.refreshed': { referenceNumber: isRef, accessToken: isJwt, accessTokenValidUntil: isIso },
    'cs.ended': { referenceNumber: isRef, reason: str(REASON) },
    'cs.popup-login': { intentId: isId, nip: isPageNip, environment: isPageEnvironment },
    'cs.status': {},
  };

const SESSION_FIELDS: Readonly<Record<string, (x: unknown) => boolean>> = {
  environment: isPageEnvironment,
  nip: isPageNip,
  referenceNumber: isRef,
  accessToken: isJwt,
  accessTokenValidUntil: isIso,
  refreshToken: (x) => x === undefined || isJwt(x),
  refreshTokenValidUntil: (x) => x === undefined || isIso(x),
};

function readSession(x: unknown): PageSession | null {
  if (typeof x !== 'object' || x === null) return null;
  const o = x as Rec;
  if (!Object.keys(o).every((k) => k in SESSION_FIELDS)) return null;
  for (const [k, ok] of Object.entries(SESSION_FIELDS)) if (!ok(o[k])) return null;
  if ((o.refreshToken === undefined) !== (o.refreshTokenValidUntil === undefined)) return null;
  return o as PageSession;
}

/** Strict check of a message from the extension: exact protocol and version, known kind, no extra keys. */
export function readContentMessage(raw: unknown): ContentMessage | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const o = raw as Rec;
  if (o.protocol !== PROTOCOL || o.v !== PROTOCOL_VERSION || typeof o.kind !== 'string') return null;
  if (!Object.hasOwn(FIELDS, o.kind)) return null;
  const fields = FIELDS[o.kind as ContentMessage['kind']];
  for (const k of Object.keys(o))
    if (k !== 'protocol' && k !== 'v' && k !== 'kind' && !(k in fields)) return null;
  for (const [k, ok] of Object.entries(fields)) if (!ok(o[k])) return null;
  const { protocol: _p, v: _v, ...message } = o;
  return message as ContentMessage;
}

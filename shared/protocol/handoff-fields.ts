/**
 * Field schemas of the session hand-off messages (docs/wallet-extension-protocol.md). Strict and
 * bounded: every string has a pattern or a maximum length, every list a maximum size.
 */
import * as v from 'valibot';
import { isEnvironmentId } from '../ksef/environments.ts';
import type { EnvironmentId } from '../ksef/transport-types.ts';
import { parseErpOrigin } from './erp-origin.ts';

/** NIP as the spec's `Nip` schema (REFERENCE.md §2.3): the pattern only, the checksum is not KSeF's rule here. */
export const NIP_PATTERN = /^[1-9]((\d[1-9])|([1-9]\d))\d{7}$/;
/** Auth operation reference numbers: 36 characters `YYYYMMDD-TT-HEX10-HEX10-CC` (REFERENCE.md §2.2). */
export const REFERENCE_NUMBER_PATTERN = /^\d{8}-[A-Z]{2}-[0-9A-F]{10}-[0-9A-F]{10}-[0-9A-F]{2}$/;
/** KSeF's tokens are JWTs; we treat them as opaque but refuse anything that is not JWT-shaped. */
export const JWT_PATTERN = /^[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*$/;
export const ISO_DATE_TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,7})?(Z|[+-]\d{2}:\d{2})$/;
/** Hand-off request ids: random, 128 bits or more, URL-safe (they travel in the PWA window's hash). */
export const HANDOFF_ID_PATTERN = /^[A-Za-z0-9_-]{22,64}$/;

export const NipSchema = v.pipe(v.string(), v.regex(NIP_PATTERN, 'not a NIP'));
export const EnvironmentIdSchema = v.custom<EnvironmentId>(isEnvironmentId, 'unknown environment');
export const ReferenceNumberSchema = v.pipe(
  v.string(),
  v.regex(REFERENCE_NUMBER_PATTERN, 'not a reference number'),
);
export const JwtSchema = v.pipe(v.string(), v.maxLength(8192), v.regex(JWT_PATTERN, 'not a token'));
export const IsoDateTimeSchema = v.pipe(
  v.string(),
  v.regex(ISO_DATE_TIME_PATTERN, 'not an ISO date-time'),
  v.check((s) => Number.isFinite(Date.parse(s)), 'not a date'),
);
export const HandoffIdSchema = v.pipe(v.string(), v.regex(HANDOFF_ID_PATTERN, 'not a hand-off id'));
/** Epoch milliseconds (the wallet's clock), for our own messages; KSeF's ISO strings stay strings. */
export const EpochMsSchema = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(8.64e15));
export const TabIdSchema = v.pipe(v.number(), v.integer(), v.minValue(0));

/** Any origin the extension could have enabled; each receiver also checks it against its own list. */
export const ErpOriginSchema = v.pipe(
  v.string(),
  v.check((s) => parseErpOrigin(s, { allowLoopback: true }) === s, 'not an exact https or loopback origin'),
);

/**
 * Permission names as they appear in an access token's `per` claim and in `/tokens` requests.
 * KSeF may add names (2.7.0 added CollectiveIdentifierManage), so any identifier-shaped name is
 * accepted; the dangerous ones are named in CREDENTIAL_PERMISSIONS.
 */
export const PermissionSchema = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z][A-Za-z0-9]{1,63}$/, 'not a permission'),
);

/**
 * Permissions with which a session can mint its own credentials or manage subunits: an ERP page
 * holding such a session could outlive any revocation (SECURITY.md T7). A hand-off carrying one
 * needs the user's explicit extra confirmation for that origin and company.
 */
export const CREDENTIAL_PERMISSIONS = Object.freeze([
  'CredentialsManage',
  'CredentialsRead',
  'SubunitManage',
]);
export const carriesCredentialPermissions = (permissions: readonly string[]): boolean =>
  permissions.some((p) => CREDENTIAL_PERMISSIONS.includes(p));

/** What the wallet hands to the background for one ERP: a fresh KSeF session, never a credential. */
export const HandedSessionSchema = v.strictObject({
  environment: EnvironmentIdSchema,
  nip: NipSchema,
  referenceNumber: ReferenceNumberSchema,
  accessToken: JwtSchema,
  accessTokenValidUntil: IsoDateTimeSchema,
  refreshToken: v.optional(JwtSchema),
  refreshTokenValidUntil: v.optional(IsoDateTimeSchema),
  /** The permissions the session carries (from the access token's `per` claim), shown in the approval. */
  permissions: v.pipe(v.array(PermissionSchema), v.maxLength(64)),
});
export type HandedSession = v.InferOutput<typeof HandedSessionSchema>;

export const GRANTS = ['access-only', 'with-refresh'] as const;
export type Grant = (typeof GRANTS)[number];

/** The user's answer in the wallet window to the first hand-off to an origin for a company. */
export const ApprovalDecisionSchema = v.strictObject({
  grant: v.picklist(GRANTS),
  /** The extra confirmation for sessions carrying Credentials* or SubunitManage permissions (T7). */
  credentialsConfirmed: v.boolean(),
});
export type ApprovalDecision = v.InferOutput<typeof ApprovalDecisionSchema>;

/**
 * Runtime validation of every KSeF response field the client relies on (valibot, as in
 * shared/protocol). A response is untrusted input: a missing or mistyped field becomes BAD_RESPONSE
 * naming the field, never a crash three calls later. Unknown properties are ignored (REFERENCE §2.4:
 * KSeF may add properties without a version bump) and `null` members are treated like absent ones
 * (the C# client omits nulls, §2.4).
 *
 * Each schema is checked at compile time against the generated spec type (`satisfies Conforms<…>`),
 * so a field validated here cannot drift from open-api.json.
 */
import * as v from 'valibot';
import type { JsonResponse, Schemas } from './api-types.ts';

/** What a schema must produce to conform to the spec type `T` (a subset of its fields). */
type Conforms<T> = v.GenericSchema<unknown, T>;

/** ISO 8601 with an offset; KSeF sends up to 7 fractional digits (REFERENCE §2.4). */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
export const parseKsefDateTime = (s: string): number =>
  ISO_DATE_TIME.test(s) ? Date.parse(s.replace(/(\.\d{3})\d+/, '$1')) : Number.NaN;

const dateTime = v.pipe(
  v.string(),
  v.check((s) => !Number.isNaN(parseKsefDateTime(s)), 'not an ISO 8601 date-time'),
);
const optionalDateTime = v.nullish(dateTime);
/** Absent or null, read as absent (for fields the spec types as optional but not nullable). */
const absentOrNull = <S extends v.GenericSchema>(schema: S) =>
  v.pipe(
    v.nullish(schema),
    v.transform((x) => x ?? undefined),
  );
const text = (max = 10_000) => v.pipe(v.string(), v.maxLength(max));
const nonEmpty = (max = 10_000) => v.pipe(v.string(), v.minLength(1), v.maxLength(max));
/** Reference numbers are 36 characters (§2.2); checked only to be safe in a path, never by checksum. */
const referenceNumber = v.pipe(v.string(), v.regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/));
const int = v.pipe(v.number(), v.safeInteger());
const details = v.nullish(v.array(text(2000)));
const statusInfo = v.object({ code: int, description: text(2000), details });
const tokenInfo = v.object({ token: nonEmpty(20_000), validUntil: dateTime });
const authenticationMethodInfo = v.nullish(
  v.object({ category: text(100), code: text(200), displayName: text(500) }),
);

export const ChallengeSchema = v.object({
  // The XSD pattern (§2.2); the crypto core checks it again before building a request.
  challenge: v.pipe(v.string(), v.length(36)),
  timestamp: dateTime,
  timestampMs: v.pipe(int, v.minValue(1)),
  clientIp: text(100),
}) satisfies Conforms<JsonResponse<'POST /auth/challenge', 200>>;

export const AuthenticationInitSchema = v.object({
  referenceNumber,
  authenticationToken: tokenInfo,
}) satisfies Conforms<JsonResponse<'POST /auth/ksef-token', 202>>;

export const AuthStatusSchema = v.object({
  startDate: absentOrNull(dateTime),
  status: statusInfo,
  authenticationMethodInfo,
  isTokenRedeemed: v.nullish(v.boolean()),
  lastTokenRefreshDate: optionalDateTime,
  refreshTokenValidUntil: optionalDateTime,
}) satisfies Conforms<
  Pick<
    JsonResponse<'GET /auth/{referenceNumber}', 200>,
    'status' | 'isTokenRedeemed' | 'lastTokenRefreshDate' | 'refreshTokenValidUntil'
  > &
    Partial<Pick<JsonResponse<'GET /auth/{referenceNumber}', 200>, 'startDate'>> & {
      // Shown to the user, not relied on: read leniently (any category string, null tolerated).
      authenticationMethodInfo?: unknown;
    }
>;

export const RedeemSchema = v.object({
  accessToken: tokenInfo,
  refreshToken: tokenInfo,
}) satisfies Conforms<JsonResponse<'POST /auth/token/redeem', 200>>;

export const RefreshSchema = v.object({
  accessToken: tokenInfo,
}) satisfies Conforms<JsonResponse<'POST /auth/token/refresh', 200>>;

const continuationToken = v.nullish(text(8192));

export const SessionListSchema = v.object({
  continuationToken,
  items: v.array(
    v.object({
      referenceNumber,
      startDate: dateTime,
      status: statusInfo,
      authenticationMethodInfo,
      isCurrent: absentOrNull(v.boolean()),
      isTokenRedeemed: v.nullish(v.boolean()),
      lastTokenRefreshDate: optionalDateTime,
      refreshTokenValidUntil: optionalDateTime,
    }),
  ),
});
// The list item's `authenticationMethod` is deprecated (§13) and deliberately not read.
SessionListSchema satisfies Conforms<{
  continuationToken?: string | null;
  items: (Pick<Schemas['AuthenticationListItem'], 'referenceNumber' | 'startDate' | 'status'> &
    Partial<
      Pick<
        Schemas['AuthenticationListItem'],
        'isTokenRedeemed' | 'lastTokenRefreshDate' | 'refreshTokenValidUntil' | 'isCurrent'
      >
    > & { authenticationMethodInfo?: unknown })[];
}>;

const PUBLIC_KEY_USAGES = ['KsefTokenEncryption', 'SymmetricKeyEncryption'] as const;
export const PublicKeyCertificatesSchema = v.pipe(
  v.array(
    v.object({
      certificate: nonEmpty(20_000),
      certificateId: text(100),
      // Base64 of SHA-256: exactly 44 characters (§9.3).
      publicKeyId: v.pipe(v.string(), v.length(44)),
      validFrom: dateTime,
      validTo: dateTime,
      // A usage this client does not know is dropped, not an error: KSeF may add one.
      usage: v.pipe(
        v.array(text(100)),
        v.transform((list) =>
          list.filter((u): u is (typeof PUBLIC_KEY_USAGES)[number] =>
            (PUBLIC_KEY_USAGES as readonly string[]).includes(u),
          ),
        ),
      ),
    }),
  ),
  v.maxLength(100),
) satisfies Conforms<JsonResponse<'GET /security/public-key-certificates', 200>>;

const TOKEN_STATUSES = ['Pending', 'Active', 'Revoking', 'Revoked', 'Failed'] as const;
const identifier = v.object({ type: text(50), value: text(100) });
const tokenItem = v.object({
  referenceNumber,
  authorIdentifier: identifier,
  contextIdentifier: identifier,
  description: text(1000),
  requestedPermissions: v.array(text(100)),
  dateCreated: dateTime,
  lastUseDate: optionalDateTime,
  status: v.picklist(TOKEN_STATUSES),
  statusDetails: details,
});
type TokenItemSpec = Pick<
  Schemas['TokenStatusResponse'],
  'referenceNumber' | 'description' | 'dateCreated' | 'lastUseDate' | 'status' | 'statusDetails'
>;
export const TokenStatusSchema = tokenItem satisfies Conforms<TokenItemSpec>;

export const GenerateTokenSchema = v.object({
  referenceNumber,
  token: nonEmpty(1000),
}) satisfies Conforms<JsonResponse<'POST /tokens', 202>>;

export const TokenListSchema = v.object({
  continuationToken,
  tokens: v.array(tokenItem),
}) satisfies Conforms<{ continuationToken?: string | null; tokens: TokenItemSpec[] }>;

const limit = v.object({ remaining: int, limit: int });
export const CertificateLimitsSchema = v.object({
  canRequest: v.boolean(),
  enrollment: limit,
  certificate: limit,
}) satisfies Conforms<JsonResponse<'GET /certificates/limits', 200>>;

const dnValue = v.nullish(text(1000));
export const EnrollmentDataSchema = v.object({
  commonName: text(1000),
  countryName: text(10),
  givenName: dnValue,
  surname: dnValue,
  serialNumber: dnValue,
  uniqueIdentifier: dnValue,
  organizationName: dnValue,
  organizationIdentifier: dnValue,
}) satisfies Conforms<JsonResponse<'GET /certificates/enrollments/data', 200>>;

export const EnrollmentSchema = v.object({
  referenceNumber,
  timestamp: dateTime,
}) satisfies Conforms<JsonResponse<'POST /certificates/enrollments', 202>>;

const CERTIFICATE_SERIAL = /^[0-9A-F]{16}$/;
const serial = v.pipe(v.string(), v.regex(CERTIFICATE_SERIAL));
export const EnrollmentStatusSchema = v.object({
  requestDate: dateTime,
  status: statusInfo,
  certificateSerialNumber: v.nullish(serial),
}) satisfies Conforms<JsonResponse<'GET /certificates/enrollments/{referenceNumber}', 200>>;

const CERTIFICATE_TYPES = ['Authentication', 'Offline'] as const;
export const RetrieveCertificatesSchema = v.object({
  certificates: v.array(
    v.object({
      certificate: nonEmpty(20_000),
      certificateName: text(1000),
      certificateSerialNumber: serial,
      certificateType: v.picklist(CERTIFICATE_TYPES),
    }),
  ),
}) satisfies Conforms<JsonResponse<'POST /certificates/retrieve', 200>>;

const CERTIFICATE_STATUSES = ['Active', 'Blocked', 'Revoked', 'Expired'] as const;
export const CertificateQuerySchema = v.object({
  certificates: v.array(
    v.object({
      certificateSerialNumber: serial,
      name: text(1000),
      type: v.picklist(CERTIFICATE_TYPES),
      commonName: text(1000),
      status: v.picklist(CERTIFICATE_STATUSES),
      subjectIdentifier: identifier,
      validFrom: dateTime,
      validTo: dateTime,
      lastUseDate: optionalDateTime,
      requestDate: dateTime,
    }),
  ),
  hasMore: v.boolean(),
});
CertificateQuerySchema satisfies Conforms<{
  certificates: Pick<
    Schemas['CertificateListItem'],
    'certificateSerialNumber' | 'name' | 'type' | 'commonName' | 'status' | 'validFrom' | 'validTo'
  >[];
  hasMore: boolean;
}>;

export type Challenge = v.InferOutput<typeof ChallengeSchema>;
export type AuthenticationInit = v.InferOutput<typeof AuthenticationInitSchema>;
export type AuthStatus = v.InferOutput<typeof AuthStatusSchema>;
export type RedeemedTokens = v.InferOutput<typeof RedeemSchema>;
export type RefreshedToken = v.InferOutput<typeof RefreshSchema>;
export type SessionList = v.InferOutput<typeof SessionListSchema>;
export type SessionListItem = SessionList['items'][number];
export type PublicKeyCertificateList = v.InferOutput<typeof PublicKeyCertificatesSchema>;
export type TokenInfo = v.InferOutput<typeof TokenStatusSchema>;
export type TokenStatus = TokenInfo['status'];
export type GeneratedToken = v.InferOutput<typeof GenerateTokenSchema>;
export type TokenList = v.InferOutput<typeof TokenListSchema>;
export type CertificateLimits = v.InferOutput<typeof CertificateLimitsSchema>;
export type EnrollmentDataResponse = v.InferOutput<typeof EnrollmentDataSchema>;
export type Enrollment = v.InferOutput<typeof EnrollmentSchema>;
export type EnrollmentStatus = v.InferOutput<typeof EnrollmentStatusSchema>;
export type RetrievedCertificates = v.InferOutput<typeof RetrieveCertificatesSchema>;
export type CertificateQuery = v.InferOutput<typeof CertificateQuerySchema>;
export type CertificateListItem = CertificateQuery['certificates'][number];

export const RESPONSE_ENUMS = Object.freeze({
  TOKEN_STATUSES,
  CERTIFICATE_TYPES,
  CERTIFICATE_STATUSES,
  PUBLIC_KEY_USAGES,
  CERTIFICATE_SERIAL,
});

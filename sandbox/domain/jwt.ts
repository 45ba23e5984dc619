/**
 * The three bearer tokens of KSeF (REFERENCE §2.1), as HS256 JWTs signed with a per-instance
 * secret (kept in the state file so tokens survive a restart). Claim names follow what real TEST
 * tokens carry (`typ`, `arn`, `cit`, `civ`, `aum`, `sud`, `per`), not the spec examples' long
 * names; clients must treat them as opaque anyway (#665).
 */
import { randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import type { AuthenticationMethod, ContextIdentifier } from '../state/model.ts';

export const TOKEN_TYPES = Object.freeze({
  operation: 'AuthenticationToken',
  access: 'ContextToken',
  refresh: 'RefreshToken',
});
export type TokenKind = keyof typeof TOKEN_TYPES;

const ISSUER = 'ksef-api-sandbox';
const AUDIENCE = 'ksef-api-sandbox';
/** Observed operation-token lifetime: exp − iat = 2700 s (spec example, #161). */
export const OPERATION_TOKEN_TTL_SECONDS = 45 * 60;

export type VerifiedToken = {
  kind: TokenKind;
  referenceNumber: string;
  expiresAt: number;
  context: ContextIdentifier | null;
  permissions: string[];
};

export type JwtService = {
  issue(kind: TokenKind, claims: TokenClaims, nowMs: number, ttlSeconds: number): Promise<string>;
  verify(token: string, nowMs: number): Promise<VerifiedToken | null>;
};

export type TokenClaims = {
  referenceNumber: string;
  context?: ContextIdentifier;
  authenticationMethod?: AuthenticationMethod;
  subjectDetails?: Record<string, unknown>;
  permissions?: string[];
};

export const newJwtSecret = (): string => randomBytes(32).toString('base64');

const KIND_BY_TYP = new Map<string, TokenKind>(
  Object.entries(TOKEN_TYPES).map(([k, t]) => [t, k as TokenKind]),
);

export function createJwtService(secretBase64: string): JwtService {
  const key = new Uint8Array(Buffer.from(secretBase64, 'base64'));
  return {
    async issue(kind, claims, nowMs, ttlSeconds) {
      const iat = Math.floor(nowMs / 1000);
      const payload: Record<string, unknown> = { typ: TOKEN_TYPES[kind], arn: claims.referenceNumber };
      if (kind === 'access') {
        payload.cit = claims.context?.type;
        payload.civ = claims.context?.value;
        payload.aum = claims.authenticationMethod;
        // As on TEST: `sud` and `per` are JSON strings inside the JWT.
        payload.sud = JSON.stringify(claims.subjectDetails ?? {});
        payload.per = JSON.stringify(claims.permissions ?? []);
      }
      return new SignJWT(payload)
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttlSeconds)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setJti(randomBytes(12).toString('hex'))
        .sign(key);
    },
    async verify(token, nowMs) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          issuer: ISSUER,
          audience: AUDIENCE,
          currentDate: new Date(nowMs),
        });
        const kind = KIND_BY_TYP.get(String(payload.typ));
        if (!kind || typeof payload.arn !== 'string' || typeof payload.exp !== 'number') return null;
        let permissions: string[] = [];
        if (kind === 'access') {
          const per = JSON.parse(String(payload.per ?? '[]')) as unknown;
          if (Array.isArray(per)) permissions = per.map(String);
        }
        return {
          kind,
          referenceNumber: payload.arn,
          expiresAt: payload.exp * 1000,
          context:
            kind === 'access' && typeof payload.cit === 'string' && typeof payload.civ === 'string'
              ? { type: payload.cit as ContextIdentifier['type'], value: payload.civ }
              : null,
          permissions,
        };
      } catch {
        // Bad signature, expired, malformed, wrong issuer/audience: all mean "not a token of ours".
        return null;
      }
    },
  };
}

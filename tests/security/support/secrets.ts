/**
 * Leak detection for the security suite: marker secrets planted by a test (unique strings that
 * cannot occur by chance) and the shapes of the product's real secrets (SECURITY.md §3.12: JWTs,
 * KSeF tokens). `findLeaks` looks for both in any text a test can observe — an error reply, a
 * console line, a URL, a DOM attribute, a file on disk — also Base64- and hex-encoded.
 */
import { randomBytes } from 'node:crypto';

/** A JWT: three Base64url parts, the first a JSON header (`eyJ`). */
export const JWT_SHAPE = /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/;
/** A KSeF token (REFERENCE §3.8): `{ref}|{nip|internalId}-{value}|{64 hex}`. */
export const KSEF_TOKEN_SHAPE = /\|(nip|internalId)-[^|]+\|[0-9a-f]{64}/i;

/** A fresh marker: recognisable in a dump, never produced by the product itself. */
export function marker(label: string): string {
  return `SECRET-MARKER-${label}-${randomBytes(12).toString('hex')}`;
}

/** A KSeF-token-shaped marker secret (so shape checks and marker checks both apply). */
export function markerKsefToken(nip: string): string {
  const ref = `20261201-EC-${randomBytes(5).toString('hex').toUpperCase()}-${randomBytes(5).toString('hex').toUpperCase()}-A1`;
  return `${ref}|nip-${nip}|${randomBytes(32).toString('hex')}`;
}

/** A JWT-shaped marker secret. */
export function markerJwt(claims: Record<string, unknown> = {}): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ typ: 'ContextToken', m: marker('jwt'), ...claims })}.${randomBytes(32).toString('base64url')}`;
}

/** The encodings an exfiltration or a careless dump would use. */
export function encodings(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  return [
    secret,
    bytes.toString('base64'),
    bytes.toString('base64url'),
    bytes.toString('hex'),
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
  ];
}

/**
 * What of `secrets` (any encoding) or of the secret shapes appears in `text`. Empty = no leak.
 * `shapes: false` when the text may legitimately carry a JWT-shaped value (e.g. a delivered session).
 */
export function findLeaks(
  text: string,
  secrets: readonly string[],
  options: { shapes?: boolean } = {},
): string[] {
  const found: string[] = [];
  for (const s of secrets) {
    // The long tail of a secret is enough: a truncated echo is still a leak.
    const probes = [...encodings(s), s.length > 40 ? s.slice(-32) : s];
    if (probes.some((p) => p.length >= 8 && text.includes(p))) found.push(`secret …${s.slice(-8)}`);
  }
  if (options.shapes !== false) {
    if (JWT_SHAPE.test(text)) found.push('JWT-shaped text');
    if (KSEF_TOKEN_SHAPE.test(text)) found.push('KSeF-token-shaped text');
  }
  return found;
}

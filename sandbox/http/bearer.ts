/**
 * Bearer tokens at the door (REFERENCE §2.1): which JWT goes where, and what a wrong one gets.
 *  - missing, malformed, expired or foreign token → 401;
 *  - the operation token on a business endpoint → 403 (#129, maintainer);
 *  - any other wrong kind (an access token on /auth/{ref}, a refresh token on /tokens) → 401;
 *  - an access token used from an address outside its IP policy → 403 `ip-not-allowed` with
 *    `security.clientIp` (REFERENCE §11, SECURITY.md T7).
 * Access tokens are not checked against session revocation: they live until `exp` (§3.5).
 */
import type { Context } from 'hono';
import type { TokenKind, VerifiedToken } from '../domain/jwt.ts';
import type { AuthOperation } from '../state/model.ts';
import { ipAllowed } from './client-ip.ts';
import type { SandboxEnv } from './env.ts';
import { forbidden, ksefError, unauthorized } from './ksef-errors.ts';

export type Caller = { token: VerifiedToken; operation: AuthOperation; permissions: readonly string[] };

export type Authenticated = { ok: true; caller: Caller } | { ok: false; response: Response };

export async function authenticate(
  c: Context<SandboxEnv>,
  accept: readonly TokenKind[],
): Promise<Authenticated> {
  const rt = c.var.rt;
  const header = c.req.header('authorization') ?? '';
  const match = /^Bearer\s+([A-Za-z0-9_.-]+)\s*$/i.exec(header);
  const deny = (response: Response): Authenticated => ({ ok: false, response });
  if (!match) return deny(ksefError(c, unauthorized()));
  const token = await rt.jwt.verify(match[1]!, rt.now());
  if (!token) return deny(ksefError(c, unauthorized('Token jest nieprawidłowy lub wygasł.')));
  if (!accept.includes(token.kind)) {
    if (token.kind === 'operation' && accept.includes('access')) {
      return deny(
        ksefError(
          c,
          forbidden('missing-permissions', { requiredAnyOfPermissions: [], presentPermissions: [] }),
        ),
      );
    }
    return deny(ksefError(c, unauthorized('Ten rodzaj tokena nie jest akceptowany przez tę operację.')));
  }
  const operation = rt.state.authOperations[token.referenceNumber];
  if (!operation) return deny(ksefError(c, unauthorized('Sesja uwierzytelnienia nie istnieje.')));
  if (token.kind === 'access' && operation.allowedIps && !ipAllowed(c.var.clientIp, operation.allowedIps)) {
    return deny(ksefError(c, forbidden('ip-not-allowed', { clientIp: c.var.clientIp })));
  }
  return { ok: true, caller: { token, operation, permissions: token.permissions } };
}

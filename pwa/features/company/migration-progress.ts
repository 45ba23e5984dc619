/**
 * How far a token-reliant company is on the guided path to a KSeF certificate (the token sunset):
 * log in with a signature → enroll → retrieve → set default → optionally revoke the token. Read
 * from the vault's clear metadata, so it shows offline too.
 */
import type { CertificateView, SessionView, TokenView } from '../../vault/vault-api.ts';
import { canLogIn } from './company-view.ts';

export type MigrationProgress = {
  readonly signedIn: boolean;
  readonly enrolled: boolean;
  readonly retrieved: boolean;
  readonly isDefault: boolean;
  readonly tokensRevoked: boolean;
};

const SIGNATURE: ReadonlySet<SessionView['method']> = new Set([
  'signed-request',
  'test-certificate',
  'ksef-certificate',
]);

export function migrationProgress(lists: {
  readonly certificates: readonly CertificateView[];
  readonly tokens: readonly TokenView[];
  readonly sessions: readonly SessionView[];
}): MigrationProgress {
  const auth = lists.certificates.filter(
    (c) => c.certificateType === 'Authentication' && c.state !== 'rejected',
  );
  return {
    signedIn: lists.sessions.some((s) => SIGNATURE.has(s.method) && s.handedTo === undefined),
    enrolled: auth.length > 0,
    retrieved: auth.some(canLogIn),
    isDefault: auth.some((c) => c.isDefault === 1 && canLogIn(c)),
    tokensRevoked:
      lists.tokens.length > 0 && !lists.tokens.some((t) => t.status === 'Active' || t.status === 'Pending'),
  };
}
